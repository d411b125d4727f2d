// better-sqlite3-session-store 0.1 ships no type declarations (it removed them in 0.1.0).
declare module 'better-sqlite3-session-store' {
  import type { SessionData, Store } from 'express-session';
  import type { Database } from 'better-sqlite3';

  interface SqliteStoreOptions {
    client: Database;
    expired?: { clear?: boolean; intervalMs?: number };
  }

  export class SqliteStore extends Store {
    constructor(options: SqliteStoreOptions);
    client: Database;
    startInterval(): void;
    clearExpiredSessions(): void;
    get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void;
    set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void;
    destroy(sid: string, callback?: (err?: unknown) => void): void;
  }

  function makeStore(session: { Store: typeof Store }): typeof SqliteStore;
  export = makeStore;
}
