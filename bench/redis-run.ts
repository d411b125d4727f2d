/**
 * The Redis run of `npm run bench`: ours with `CookiePendingLoginStore` against the baseline,
 * each app with express-session on connect-redis and a redis-server of its own (Debian's, started
 * here on a free loopback port and stopped afterwards), so each server's counters are one app's.
 * Logins are made by visitors who are not logged in, as most logins are.
 *
 * Besides the timed rounds it counts, from Redis's `INFO commandstats` and `DBSIZE`, the
 * session-store calls of a completed login (also of a logged-in user logging in again) and the
 * sessions an abandoned login start leaves in the store.
 */
import { findRedisServer, startRedis, type RedisServer } from '../test/support/redis-server';
import { AppProcess } from './app-process';
import type { BenchConfig, VariantName } from './config';
import { LoginDriver, type Approve } from './driver';
import { callsBetween, RedisCounters, totalCalls, type CommandCalls } from './redis-stats';
import { compare, type ComparedMetric, type VariantResult } from './report';
import { contender, log, measureHeap, runRounds, warmUp, type Contender } from './rounds';
import type { PendingLogins } from './session-store';
import type { ProviderSettings } from './variants/settings';

/** The apps of the Redis run and where each keeps pending logins. */
const APPS: readonly { name: VariantName; pendingLogins?: PendingLogins }[] = [
  { name: 'ours', pendingLogins: 'cookie' },
  { name: 'baseline' },
];

/** Session-store calls of one kind of request sequence: per sequence, in all and by command. */
export interface CallFigure {
  perRun: number;
  byCommand: Record<string, number>;
}

/** What one app asked of its session store. */
export interface StoreFigures {
  /** A complete login by a visitor with no session. */
  login: CallFigure;
  /** A complete login by a user who is logged in already (their session cookie is sent). */
  relogin: CallFigure;
  /** A login start that never comes back from the consent page. */
  abandonedStart: CallFigure;
  /** Sessions (keys) left in the store per abandoned login start. */
  sessionsPerAbandonedStart: number;
}

/** Everything the Redis run measured. */
export interface RedisRunResult {
  variants: VariantResult[];
  compared: ComparedMetric[];
  store: Partial<Record<VariantName, StoreFigures>>;
}

/** Runs the Redis run; throws when redis-server is not installed. */
export async function runWithRedis(
  config: BenchConfig,
  settings: ProviderSettings,
  approve: Approve,
): Promise<RedisRunResult> {
  const binary = findRedisServer();
  if (binary === undefined) {
    throw new Error(
      'the Redis run needs redis-server (apt-get install -y redis-server); BENCH_REDIS=0 skips it',
    );
  }
  const servers: RedisServer[] = [];
  const counters: RedisCounters[] = [];
  const contenders: Contender[] = [];
  try {
    for (const { name, pendingLogins } of APPS) {
      const redis = await startRedis(binary);
      servers.push(redis);
      counters.push(await RedisCounters.connect(redis.url));
      const stores = { redisURL: redis.url, ...(pendingLogins ? { pendingLogins } : {}) };
      const app = await AppProcess.start(name, settings, config.hosting, stores);
      const driver = new LoginDriver(app.origin, approve, { freshVisitors: true });
      contenders.push(contender(name, app, driver));
    }
    await warmUp(contenders, config);
    await runRounds(contenders, config, 'redis');
    const heap = await measureHeap(contenders, config);
    const store: Partial<Record<VariantName, StoreFigures>> = {};
    for (const [i, c] of contenders.entries()) {
      log(`redis ${c.name}: counting session-store calls`);
      store[c.name] = await countStoreCalls(c, counters[i]!, config.loginsC1, approve);
    }
    const variants = contenders.map((c) => ({
      name: c.name,
      rounds: c.rounds,
      heap: heap[c.name]!,
    }));
    return { variants, compared: compare(variants, config.concurrency), store };
  } finally {
    for (const c of contenders) c.driver.close();
    await Promise.all(contenders.map((c) => c.app.stop()));
    await Promise.all(counters.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** The store calls of `count` logins of each kind, one at a time, and of `count` abandoned starts. */
async function countStoreCalls(
  c: Contender,
  counters: RedisCounters,
  count: number,
  approve: Approve,
): Promise<StoreFigures> {
  const counted = async (run: () => Promise<void>): Promise<CallFigure> => {
    const before = await counters.commandCalls();
    await run();
    return perRun(callsBetween(before, await counters.commandCalls()), count);
  };
  const loginsOrThrow = async (driver: LoginDriver, logins: number): Promise<void> => {
    const result = await driver.run(logins, 1);
    if (result.errors > 0) throw new Error(`${c.name}: ${result.firstError}`);
  };

  const login = await counted(() => loginsOrThrow(c.driver, count));
  // A driver that keeps each user's session: after one login, every login is a logged-in user's.
  const again = new LoginDriver(c.app.origin, approve);
  let relogin: CallFigure;
  try {
    await loginsOrThrow(again, 1);
    relogin = await counted(() => loginsOrThrow(again, count));
  } finally {
    again.close();
  }
  const keysBefore = await counters.keys();
  const abandonedStart = await counted(() => c.driver.abandonStarts(count));
  const sessionsPerAbandonedStart = ((await counters.keys()) - keysBefore) / count;
  return { login, relogin, abandonedStart, sessionsPerAbandonedStart };
}

function perRun(calls: CommandCalls, runs: number): CallFigure {
  const byCommand: Record<string, number> = {};
  for (const [name, total] of calls) byCommand[name] = total / runs;
  return { perRun: totalCalls(calls) / runs, byCommand };
}
