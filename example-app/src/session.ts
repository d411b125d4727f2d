/**
 * Session middleware: express-session with the SQLite store by default, or Redis when
 * REDIS_URL is set (so several app instances share sessions). Cookies are httpOnly, SameSite=lax,
 * and Secure whenever the request arrived over HTTPS.
 */
import type { RequestHandler } from 'express';
import session, { type Store } from 'express-session';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { SqliteSessionStore } from './sqlite-store';

/** Where sessions are kept. */
export type SessionStoreConfig =
  { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string; prefix?: string | undefined };

/** Session settings of {@link createSession}. */
export interface SessionConfig {
  secret: string;
  store: SessionStoreConfig;
  /** Whether a proxy in front sets X-Forwarded-Proto (for the Secure flag). */
  behindProxy: boolean;
  /** Lifetime of the session cookie and record, in milliseconds. */
  maxAge: number;
  log: (line: string) => void;
}

/** The middleware plus a way to release the store's connections and timers. */
export interface SessionSetup {
  middleware: RequestHandler;
  close(): Promise<void>;
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'agilecrm_example.sid';

declare module 'express-session' {
  interface SessionData {
    /** The logged-in user's Agile CRM credentials, sealed by the token vault. */
    credentials?: string;
  }
}

/** Builds the session middleware; connects to Redis first when that store is chosen. */
export async function createSession(config: SessionConfig): Promise<SessionSetup> {
  const { store, close } = await openStore(config);
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

async function openStore(config: SessionConfig): Promise<{ store: Store; close(): Promise<void> }> {
  if (config.store.kind === 'sqlite') {
    const store = new SqliteSessionStore(config.store.path, {
      onSweepError: (err) =>
        config.log(`Session sweep failed: ${err instanceof Error ? err.message : 'unknown error'}`),
    });
    return { store, close: async () => store.close() };
  }
  let ready = false;
  const client = createClient({
    url: config.store.url,
    socket: {
      connectTimeout: 5000,
      // At startup give up after a few tries (so a wrong REDIS_URL is reported instead of
      // retried forever); once connected, keep reconnecting with a capped backoff.
      reconnectStrategy: (retries: number) =>
        !ready && retries >= 3
          ? new Error('Cannot connect to Redis at REDIS_URL')
          : Math.min(100 * 2 ** retries, 3000),
    },
  });
  client.on('ready', () => {
    ready = true;
  });
  // Without a listener a Redis error would crash the process; requests fail instead.
  client.on('error', (err: unknown) => {
    if (ready) config.log(`Redis error: ${err instanceof Error ? err.message : 'unknown error'}`);
  });
  await client.connect();
  const store = new RedisStore({
    client,
    prefix: config.store.prefix ?? 'agilecrm-example:sess:',
  });
  return {
    store,
    close: async () => {
      // A graceful close waits for Redis; when it is unreachable, drop the connection instead.
      if (client.isReady) await client.close();
      else if (client.isOpen) client.destroy();
    },
  };
}
