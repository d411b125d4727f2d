/**
 * One measured phase: a batch of logins at one concurrency, with the app's own CPU time and
 * provider connections read before and after.
 */
import type { AppProcess } from './app-process';
import type { LoginDriver } from './driver';
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
