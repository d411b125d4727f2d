/**
 * Measured phases across several apps taking turns: single logins at concurrency 1, or slices of
 * logins at high concurrency, with each app's own CPU time and provider connections read before
 * and after.
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

/**
 * `count` logins per target at `concurrency`, in slices of `slice` logins taking turns (A, B, C,
 * A, B, C, ...). Outside load on a shared machine comes in bursts of a second or so; spread over
 * the same few seconds, every app meets the same bursts. Each app's elapsed time is the sum of
 * its own slices.
 */
export async function measureInSlices(
  targets: readonly Target[],
  count: number,
  concurrency: number,
  slice: number,
): Promise<PhaseFigures[]> {
  const before = await Promise.all(targets.map((t) => t.app.sample()));
  const runs = targets.map(() => emptyPhase());
  for (let done = 0; done < count; done += slice) {
    for (const [index, target] of targets.entries()) {
      const part = await target.driver.run(Math.min(slice, count - done), concurrency);
      const run = runs[index]!;
      run.logins += part.logins;
      run.errors += part.errors;
      run.firstError ??= part.firstError;
      run.elapsedMs += part.elapsedMs;
      run.callbackLatencies.push(...part.callbackLatencies);
    }
  }
  const after = await Promise.all(targets.map((t) => t.app.sample()));
  return runs.map((run, i) => figures(concurrency, run, before[i]!, after[i]!));
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
