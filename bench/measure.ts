/**
 * Measured phases: a batch of logins against one app at a given concurrency, or single logins
 * taking turns across several apps, with each app's own CPU time and provider connections read
 * before and after.
 */
import type { AppProcess, AppSample } from './app-process';
import { emptyPhase, record, type LoginDriver, type PhaseResult } from './driver';
import { percentile } from './stats';

/** Figures of one phase. */
export interface PhaseFigures {
  concurrency: number;
  logins: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  loginsPerSecond: number;
  /** Callback latency percentiles, ms. */
  p50Ms: number;
  p99Ms: number;
  /** CPU time the app process spent during the phase, ms. */
  cpuMs: number;
  cpuMsPerLogin: number;
  /** TLS connections the app opened to the provider during the phase. */
  connections: number;
}

/** Runs `count` logins at `concurrency` against `app` and measures them. */
export async function measurePhase(
  app: AppProcess,
  driver: LoginDriver,
  count: number,
  concurrency: number,
): Promise<PhaseFigures> {
  const before = await app.sample();
  const run = await driver.run(count, concurrency);
  const after = await app.sample();
  return figures(concurrency, run, before, after);
}

/** An app and the driver logging in to it. */
export interface Target {
  app: AppProcess;
  driver: LoginDriver;
}

/**
 * `count` logins per target by one user each, taking turns (A, B, C, A, B, C, ...), so
 * neighbouring logins of different apps see the same machine and drift cancels login by login.
 * Only one app works at a time; each one's elapsed time is the sum of its own logins.
 */
export async function measureTakingTurns(
  targets: readonly Target[],
  count: number,
): Promise<PhaseFigures[]> {
  const before = await Promise.all(targets.map((t) => t.app.sample()));
  const runs = targets.map(() => emptyPhase());
  for (let i = 0; i < count; i++) {
    for (const [index, target] of targets.entries()) {
      const timing = await target.driver.login(0);
      const run = runs[index]!;
      record(run, timing);
      if (!('error' in timing)) run.elapsedMs += timing.totalMs;
    }
  }
  const after = await Promise.all(targets.map((t) => t.app.sample()));
  return runs.map((run, i) => figures(1, run, before[i]!, after[i]!));
}

function figures(
  concurrency: number,
  run: PhaseResult,
  before: AppSample,
  after: AppSample,
): PhaseFigures {
  const cpuMs = (after.cpuMicros - before.cpuMicros) / 1000;
  return {
    concurrency,
    logins: run.logins,
    errors: run.errors,
    ...(run.firstError === undefined ? {} : { firstError: run.firstError }),
    elapsedMs: run.elapsedMs,
    loginsPerSecond: (run.logins * 1000) / run.elapsedMs,
    p50Ms: percentile(run.callbackLatencies, 50),
    p99Ms: percentile(run.callbackLatencies, 99),
    cpuMs,
    cpuMsPerLogin: cpuMs / Math.max(1, run.logins),
    connections: after.connections - before.connections,
  };
}
