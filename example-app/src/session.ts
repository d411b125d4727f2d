/**
 * Session middleware: express-session with the SQLite store by default, or Redis when
 * REDIS_URL is set (so several app instances share sessions). Cookies are httpOnly, SameSite=lax,
 * and Secure whenever the request arrived over HTTPS.
 */
import type { RequestHandler } from 'express';
import session, { type Store } from 'express-session';
import { RedisStore } from 'connect-redis';
import type { RedisConnection } from './redis';
import { SqliteSessionStore } from './sqlite-store';

/** Where sessions are kept. */
export type SessionStoreConfig =
  { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string; prefix?: string | undefined };

/** Session settings of {@link createSession}. */
export interface SessionConfig {
  secret: string;
  store: SessionStoreConfig;
  /** The connection to REDIS_URL, when `store` is Redis. */
  redis: RedisConnection | undefined;
  /** Whether a proxy in front sets X-Forwarded-Proto (for the Secure flag). */
  behindProxy: boolean;
  /** Lifetime of the session cookie and record, in milliseconds. */
  maxAge: number;
  log: (line: string) => void;
}

/** The middleware plus a way to stop the store's timers and close its file. */
export interface SessionSetup {
  middleware: RequestHandler;
  close(): void;
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'agilecrm_example.sid';

declare module 'express-session' {
  interface SessionData {
    /** The logged-in user's Agile CRM credentials, sealed by the token vault. */
    credentials?: string;
  }
}

/** Builds the session middleware on the configured store. */
export function createSession(config: SessionConfig): SessionSetup {
  const { store, close } = openStore(config);
  const middleware = session({
    name: SESSION_COOKIE,
    secret: config.secret,
    store,
    resave: false,
    saveUninitialized: false,
    proxy: config.behindProxy,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: config.maxAge },
  });
  return { middleware, close };
}

function openStore(config: SessionConfig): { store: Store; close(): void } {
  if (config.store.kind === 'sqlite') {
    const store = new SqliteSessionStore(config.store.path, {
      onSweepError: (err) =>
        config.log(`Session sweep failed: ${err instanceof Error ? err.message : 'unknown error'}`),
    });
    return { store, close: () => store.close() };
  }
  if (config.redis === undefined) throw new Error('The Redis session store needs a connection');
  const store = new RedisStore({
    client: config.redis.client,
    prefix: config.store.prefix ?? 'agilecrm-example:sess:',
  });
  // The connection belongs to the app, which closes it after the session store.
  return { store, close: () => undefined };
}
