/**
 * The Redis connection (REDIS_URL) that several app instances share: their sessions and their
 * login rate-limit counts live there, so any instance can serve any request.
 */
import { createClient } from 'redis';

/** A connected Redis client and how to release it. */
export interface RedisConnection {
  client: ReturnType<typeof createClient>;
  close(): Promise<void>;
}

/** Connects to `url`; fails after a few tries with an error naming REDIS_URL. */
export async function connectRedis(
  url: string,
  log: (line: string) => void,
): Promise<RedisConnection> {
  let ready = false;
  const client = createClient({
    url,
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
    if (ready) log(`Redis error: ${err instanceof Error ? err.message : 'unknown error'}`);
  });
  await client.connect();
  return {
    client,
    close: async () => {
      // A graceful close waits for Redis; when it is unreachable, drop the connection instead.
      if (client.isReady) await client.close();
      else if (client.isOpen) client.destroy();
    },
  };
}
