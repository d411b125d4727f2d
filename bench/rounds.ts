/**
 * The measured part of a bench run, for any set of variant apps: warm-up, alternating rounds
 * and the heap readings. Both the MemoryStore run and the Redis run use it.
 */
import type { AppProcess } from './app-process';
import type { BenchConfig, VariantName } from './config';
import type { LoginDriver } from './driver';
import { measureInSlices, measureTakingTurns } from './measure';
import type { HeapFigures, RoundFigures } from './report';

/** One app under measurement, with the logins made since its first heap reading. */
export interface Contender {
  name: VariantName;
  app: AppProcess;
  driver: LoginDriver;
  rounds: RoundFigures[];
  heapBefore: number;
  loginsSinceHeap: number;
}

/** A contender that has made no logins yet. */
export function contender(name: VariantName, app: AppProcess, driver: LoginDriver): Contender {
  return { name, app, driver, rounds: [], heapBefore: 0, loginsSinceHeap: 0 };
}

/** Warm-up logins for each app (JIT, provider connections), then its first heap reading. */
export async function warmUp(contenders: readonly Contender[], config: BenchConfig): Promise<void> {
  for (const c of contenders) {
    log(`warm-up ${c.name}: ${config.warmup} logins`);
    await loginsOrThrow(c, config.warmup, config.concurrency);
    await loginsOrThrow(c, Math.ceil(config.warmup / 4), 1);
    c.heapBefore = await c.app.heapAfterGC();
  }
}

/** All measured rounds, each logged as it ends; `label` names the run in the log. */
export async function runRounds(
  contenders: readonly Contender[],
  config: BenchConfig,
  label: string,
): Promise<void> {
  for (let round = 1; round <= config.rounds; round++) {
    const runnerCPU = process.cpuUsage();
    const figures = await measureRound(turnOrder(contenders, round), config);
    const runnerMs = process.cpuUsage(runnerCPU);
    let logins = 0;
    for (const c of contenders) {
      const f = figures.get(c)!;
      c.rounds.push(f);
      logins += f.high.logins + f.single.logins;
      log(
        `${label} round ${round} ${c.name.padEnd(8)} ` +
          `c${config.concurrency} ${f.high.loginsPerSecond.toFixed(0)}/s ` +
          `c1 ${f.single.loginsPerSecond.toFixed(0)}/s ` +
          `cpu ${((f.high.cpuMs + f.single.cpuMs) / (f.high.logins + f.single.logins)).toFixed(2)} ms/login ` +
          `conns ${f.high.connections + f.single.connections}`,
      );
    }
    log(
      `${label} round ${round} runner   cpu ${((runnerMs.user + runnerMs.system) / 1000 / logins).toFixed(2)} ms/login`,
    );
  }
}

/** Each app's heap growth over at least `config.heapLogins` logins since its first reading. */
export async function measureHeap(
  contenders: readonly Contender[],
  config: BenchConfig,
): Promise<Partial<Record<VariantName, HeapFigures>>> {
  const heap: Partial<Record<VariantName, HeapFigures>> = {};
  for (const c of contenders) {
    const rest = config.heapLogins - c.loginsSinceHeap;
    if (rest > 0) {
      log(`heap ${c.name}: ${rest} more logins to reach ${config.heapLogins}`);
      await loginsOrThrow(c, rest, config.concurrency);
    }
    const after = await c.app.heapAfterGC();
    heap[c.name] = {
      logins: c.loginsSinceHeap,
      beforeBytes: c.heapBefore,
      afterBytes: after,
      growthBytes: after - c.heapBefore,
    };
  }
  return heap;
}

/**
 * One round of every variant. Each app first drops its provider connections (some would
 * otherwise be closed while idle between rounds, for example by Node's global agent after 5 s,
 * and count as new ones) and reopens them with unmeasured logins, ending with one burst of
 * callbacks at full concurrency so the pool is at its largest. Then the measured phases: at high
 * concurrency in slices taking turns, then at concurrency 1 taking turns login by login.
 */
async function measureRound(
  contenders: readonly Contender[],
  config: BenchConfig,
): Promise<Map<Contender, RoundFigures>> {
  for (const c of contenders) {
    await c.app.resetConnections();
    await loginsOrThrow(c, config.roundWarmup, config.concurrency);
    // A socket goes back to the pool only after its request has finished writing, which can be
    // a moment after the response ended, so one login can briefly hold two: prime for twice the
    // users.
    await c.driver.prime(2 * config.concurrency);
    c.loginsSinceHeap += 2 * config.concurrency;
  }
  const high = await measureInSlices(
    contenders,
    config.loginsC16,
    config.concurrency,
    config.sliceC16,
  );
  const single = await measureTakingTurns(contenders, config.loginsC1);
  const figures = new Map<Contender, RoundFigures>();
  for (const [i, c] of contenders.entries()) {
    const round = { high: high[i]!, single: single[i]! };
    c.loginsSinceHeap += round.high.logins + round.single.logins;
    for (const phase of [round.high, round.single]) {
      if (phase.errors > 0) {
        throw new Error(`${c.name}: ${phase.errors} failed logins; first: ${phase.firstError}`);
      }
    }
    figures.set(c, round);
  }
  return figures;
}

/** The variants in round `round`'s order: rotated each round, so none always goes first. */
function turnOrder<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** `count` logins at `concurrency`; throws at the first failed one. */
export async function loginsOrThrow(
  c: Contender,
  count: number,
  concurrency: number,
): Promise<void> {
  const run = await c.driver.run(count, concurrency);
  c.loginsSinceHeap += run.logins;
  if (run.errors > 0) {
    throw new Error(`${c.name}: ${run.errors} failed logins; first: ${run.firstError}`);
  }
}

/** A progress line on stderr (stdout carries the tables). */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
