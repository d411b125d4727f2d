/**
 * Run sizes, read from the environment so a quick smoke run and a full run share one code path.
 */
import { HOSTINGS, type Hosting } from './hosting';

/** How much work one bench run does. */
export interface BenchConfig {
  /** Measured rounds per variant (A B C A B C ...). */
  rounds: number;
  /** Complete logins per measured phase at concurrency 1. */
  loginsC1: number;
  /** Complete logins per measured phase at concurrency 16. */
  loginsC16: number;
  /** Logins of one app in a row at concurrency 16 before the next app takes its turn. */
  sliceC16: number;
  /** The high concurrency. */
  concurrency: number;
  /** Logins before anything is measured (JIT warm-up, connections opened). */
  warmup: number;
  /** Unmeasured logins at the start of each round, to reopen connections closed while idle. */
  roundWarmup: number;
  /** Logins between the two heap readings of each variant. */
  heapLogins: number;
  /** Fresh processes per package for the cold-start figure. */
  coldRuns: number;
  /** Variants to run, in round order. */
  variants: VariantName[];
  /** How the apps are served (see hosting.ts). */
  hosting: Hosting;
  /** Run ours (cookie store) and the baseline again with sessions in Redis (redis-run.ts). */
  redis: boolean;
}

/** The three apps compared. */
export type VariantName = 'ours' | 'baseline' | 'limit';

const ALL_VARIANTS: VariantName[] = ['ours', 'baseline', 'limit'];

const FULL: Omit<BenchConfig, 'variants' | 'hosting' | 'redis'> = {
  // Many short rounds, and within a round the apps take turns (login by login at concurrency 1,
  // 150 logins at a time at concurrency 16), so every app meets the same bursts of outside load.
  // When each app ran its logins at concurrency 16 in one go, a burst could land on one app
  // only and skew that round's ratio.
  rounds: 30,
  loginsC1: 200,
  loginsC16: 600,
  sliceC16: 150,
  concurrency: 16,
  // V8 keeps optimizing the login path for a while: measure only after it has settled.
  warmup: 2000,
  roundWarmup: 32,
  heapLogins: 10_000,
  coldRuns: 20,
};

const QUICK: Omit<BenchConfig, 'variants' | 'hosting' | 'redis'> = {
  rounds: 2,
  loginsC1: 50,
  loginsC16: 160,
  sliceC16: 80,
  concurrency: 16,
  warmup: 100,
  roundWarmup: 64,
  heapLogins: 1_000,
  coldRuns: 5,
};

/**
 * Reads `BENCH_*` variables; `BENCH_QUICK=1` starts from the smoke-run sizes, `BENCH_REDIS=0`
 * skips the Redis run.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const base = env['BENCH_QUICK'] === '1' ? QUICK : FULL;
  return {
    rounds: positive(env, 'BENCH_ROUNDS', base.rounds),
    loginsC1: positive(env, 'BENCH_LOGINS_C1', base.loginsC1),
    loginsC16: positive(env, 'BENCH_LOGINS_C16', base.loginsC16),
    sliceC16: positive(env, 'BENCH_SLICE_C16', base.sliceC16),
    concurrency: positive(env, 'BENCH_CONCURRENCY', base.concurrency),
    warmup: positive(env, 'BENCH_WARMUP', base.warmup),
    roundWarmup: positive(env, 'BENCH_ROUND_WARMUP', base.roundWarmup),
    heapLogins: positive(env, 'BENCH_HEAP_LOGINS', base.heapLogins),
    coldRuns: positive(env, 'BENCH_COLD_RUNS', base.coldRuns),
    variants: variants(env['BENCH_VARIANTS']),
    hosting: hosting(env['BENCH_HOSTING']),
    redis: env['BENCH_REDIS'] !== '0',
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

function variants(raw: string | undefined): VariantName[] {
  if (raw === undefined || raw === '') return ALL_VARIANTS;
  const names = raw.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!ALL_VARIANTS.includes(name as VariantName)) {
      throw new TypeError(
        `BENCH_VARIANTS: unknown variant "${name}" (use ${ALL_VARIANTS.join(',')})`,
      );
    }
  }
  return names as VariantName[];
}

function hosting(raw: string | undefined): Hosting {
  if (raw === undefined || raw === '') return HOSTINGS[0]!;
  const found = HOSTINGS.find((name) => name === raw);
  if (found === undefined) {
    throw new TypeError(`BENCH_HOSTING: unknown hosting "${raw}" (use ${HOSTINGS.join(' or ')})`);
  }
  return found;
}
