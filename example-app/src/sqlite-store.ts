/**
 * The default session store: an express-session `Store` on an SQLite file (better-sqlite3), so
 * sessions survive a restart without any server to run. Several processes may share the file
 * (WAL journal, and writers wait for each other's locks). Expired sessions are never returned;
 * an unref'd timer deletes them in bounded batches until {@link SqliteSessionStore.close}.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Store, type SessionData } from 'express-session';

/** Tuning of {@link SqliteSessionStore}; the defaults suit the example app. */
export interface SqliteSessionStoreOptions {
  /** How often expired sessions are deleted, in milliseconds. Default one minute. */
  sweepInterval?: number;
  /** At most this many expired sessions are deleted per sweep. Default 1000. */
  sweepLimit?: number;
  /** Lifetime of a session whose cookie has no expiry, in milliseconds. Default one day. */
  defaultTTL?: number;
  /** How long a write waits for another process's lock, in milliseconds. Default 5000. */
  busyTimeout?: number;
  /** Told when a timed sweep fails (the next one tries again). Default: ignored. */
  onSweepError?: (err: unknown) => void;
}

// A table name of its own: a file written by better-sqlite3-session-store keeps its `sessions`
// table (other columns, text dates), which is left alone.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS app_sessions (
    sid TEXT PRIMARY KEY NOT NULL,
    sess TEXT NOT NULL,
    expires INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS app_sessions_by_expiry ON app_sessions (expires);
`;

type Callback = (err?: unknown) => void;

/** Sessions in the SQLite file `path` (created owner-only, in an owner-only folder). */
export class SqliteSessionStore extends Store {
  readonly #db: Database.Database;
  readonly #sweepLimit: number;
  readonly #defaultTTL: number;
  readonly #timer: NodeJS.Timeout;
  readonly #onSweepError: (err: unknown) => void;
  readonly #sql: {
    get: Database.Statement<[string, number], { sess: string }>;
    set: Database.Statement<[string, string, number]>;
    touch: Database.Statement<[number, string, number]>;
    destroy: Database.Statement<[string]>;
    sweep: Database.Statement<[number, number]>;
  };

  constructor(path: string, options: SqliteSessionStoreOptions = {}) {
    super();
    this.#sweepLimit = options.sweepLimit ?? 1000;
    this.#defaultTTL = options.defaultTTL ?? 24 * 60 * 60 * 1000;
    this.#onSweepError = options.onSweepError ?? (() => undefined);
    if (path !== ':memory:') createPrivateFile(path);
    this.#db = new Database(path, { timeout: options.busyTimeout ?? 5000 });
    // WAL: readers never wait for the writer, and a second process can write between them.
    this.#db.pragma('journal_mode = WAL');
    this.#db.exec(SCHEMA);
    this.#sql = {
      get: this.#db.prepare('SELECT sess FROM app_sessions WHERE sid = ? AND expires > ?'),
      set: this.#db.prepare(
        `INSERT INTO app_sessions (sid, sess, expires) VALUES (?, ?, ?)
         ON CONFLICT (sid) DO UPDATE SET sess = excluded.sess, expires = excluded.expires`,
      ),
      // An expired session stays expired: touching it must not bring it back.
      touch: this.#db.prepare('UPDATE app_sessions SET expires = ? WHERE sid = ? AND expires > ?'),
      destroy: this.#db.prepare('DELETE FROM app_sessions WHERE sid = ?'),
      sweep: this.#db.prepare(
        `DELETE FROM app_sessions WHERE sid IN
           (SELECT sid FROM app_sessions WHERE expires <= ? ORDER BY expires LIMIT ?)`,
      ),
    };
    this.#timer = setInterval(() => this.#sweepQuietly(), options.sweepInterval ?? 60_000);
    // A sweep timer alone must not keep the process running.
    this.#timer.unref();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    let session: SessionData | null;
    try {
      const row = this.#sql.get.get(sid, Date.now());
      session = row === undefined ? null : (JSON.parse(row.sess) as SessionData);
    } catch (err) {
      callback(err);
      return;
    }
    callback(null, session);
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    this.#run(callback, () =>
      this.#sql.set.run(sid, JSON.stringify(session), this.#expiryOf(session)),
    );
  }

  override touch(sid: string, session: SessionData, callback?: Callback): void {
    this.#run(callback, () => this.#sql.touch.run(this.#expiryOf(session), sid, Date.now()));
  }

  override destroy(sid: string, callback?: Callback): void {
    this.#run(callback, () => this.#sql.destroy.run(sid));
  }

  /** Deletes up to `sweepLimit` sessions expired at `now`; returns how many were deleted. */
  sweep(now = Date.now()): number {
    return this.#sql.sweep.run(now, this.#sweepLimit).changes;
  }

  /** Stops the sweep timer and closes the database file. */
  close(): void {
    clearInterval(this.#timer);
    if (this.#db.open) this.#db.close();
  }

  #sweepQuietly(): void {
    try {
      this.sweep();
    } catch (err) {
      // A busy or failing file: the next sweep tries again, and expired rows are never served.
      this.#onSweepError(err);
    }
  }

  #expiryOf(session: SessionData): number {
    const expires = session.cookie?.expires;
    const at = expires ? new Date(expires).getTime() : Number.NaN;
    return Number.isFinite(at) ? at : Date.now() + this.#defaultTTL;
  }

  /** Runs a write, then calls `callback` once, with the error if there was one. */
  #run(callback: Callback | undefined, write: () => unknown): void {
    try {
      write();
    } catch (err) {
      callback?.(err);
      return;
    }
    callback?.();
  }
}

/**
 * Creates `path` empty and readable by its owner only (SQLite gives its WAL files the same mode),
 * in a folder only its owner can enter; an existing file is left as it is.
 */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
  }
}
