/**
 * What a Redis server has done, read by the runner over a connection of its own: the calls of
 * each command (`INFO commandstats`) and the number of keys (`DBSIZE`).
 */
import { createClient } from 'redis';

/** Calls per command name (lowercase); the runner's own `INFO` calls are left out. */
export type CommandCalls = Map<string, number>;

/** A connection to one Redis server for reading its counters. */
export class RedisCounters {
  private constructor(private readonly _client: ReturnType<typeof createClient>) {}

  static async connect(url: string): Promise<RedisCounters> {
    const client = createClient({ url, socket: { connectTimeout: 5000 } });
    client.on('error', (err: unknown) =>
      process.stderr.write(`bench: Redis error: ${String(err)}\n`),
    );
    await client.connect();
    return new RedisCounters(client);
  }

  /** Calls of every command so far. */
  async commandCalls(): Promise<CommandCalls> {
    const text = String(await this._client.info('commandstats'));
    const calls: CommandCalls = new Map();
    for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      const name = match[1]!.toLowerCase();
      if (name !== 'info') calls.set(name, Number(match[2]));
    }
    return calls;
  }

  /** Keys in the database (sessions, for a store that keeps one key per session). */
  keys(): Promise<number> {
    return this._client.dbSize();
  }

  async close(): Promise<void> {
    if (this._client.isOpen) await this._client.close();
  }
}

/** The calls made between two readings, by command, leaving out commands not called. */
export function callsBetween(before: CommandCalls, after: CommandCalls): CommandCalls {
  const made: CommandCalls = new Map();
  for (const [name, count] of after) {
    const delta = count - (before.get(name) ?? 0);
    if (delta > 0) made.set(name, delta);
  }
  return made;
}

/** The sum of all calls. */
export function totalCalls(calls: CommandCalls): number {
  let total = 0;
  for (const count of calls.values()) total += count;
  return total;
}
