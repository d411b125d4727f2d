/**
 * Where a variant app keeps its sessions and (for ours) its pending logins: express-session's
 * MemoryStore, or Redis through connect-redis, as apps with several instances do.
 */
import type { Store } from 'express-session';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';

/** Where pending logins of the ours app live. */
export type PendingLogins = 'session' | 'cookie';

/** The stores of one variant app, handed down by the runner. */
export interface AppStores {
  /** A `redis://` URL for connect-redis; express-session's MemoryStore when absent. */
  redisURL?: string;
  /** Where the ours app keeps pending logins. Default `'session'`. */
  pendingLogins?: PendingLogins;
}

/** A session store and how to release it. */
export interface OpenStore {
  /** `undefined` for express-session's own MemoryStore. */
  store: Store | undefined;
  close(): Promise<void>;
}

/** Connects the session store of `stores`. */
export async function openSessionStore(stores: AppStores): Promise<OpenStore> {
  if (stores.redisURL === undefined) return { store: undefined, close: async () => undefined };
  const client = createClient({ url: stores.redisURL, socket: { connectTimeout: 5000 } });
  client.on('error', (err: unknown) => {
    process.stderr.write(`bench app: Redis error: ${String(err)}\n`);
  });
  await client.connect();
  return {
    store: new RedisStore({ client, prefix: 'bench:sess:' }),
    close: async () => {
      if (client.isOpen) await client.close();
    },
  };
}
