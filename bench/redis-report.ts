/**
 * The Redis run's table, its targets and what store latency would add, from the figures in
 * redis-run.ts.
 */
import type { CallFigure, RedisRunResult, StoreFigures } from './redis-run';
import { fixed, mb, metricRow, ratioText, type TargetCheck } from './report';

/** Targets of the Redis run (pending logins in a cookie against the session). */
const MAX_CALLS_PER_LOGIN = 2;
const MIN_LOGINS_RATIO = 1.1;

/** The Markdown table of the Redis run. */
export function formatRedisTable(result: RedisRunResult): string {
  const names = result.variants.map((v) => v.name);
  const label = (name: string): string => (name === 'ours' ? 'ours (cookie store)' : name);
  const header = ['figure', ...names.map(label), 'ours/baseline (min / median / max)'];
  const rows = result.compared.map((metric) => metricRow(metric, names));
  const storeRow = (text: string, pick: (s: StoreFigures) => CallFigure): string[] => [
    text,
    ...names.map((n) => callText(result.store[n] && pick(result.store[n]))),
    '',
  ];
  rows.push(storeRow('session-store calls per login, visitor not logged in', (s) => s.login));
  rows.push(storeRow('session-store calls per login, logged-in user again', (s) => s.relogin));
  rows.push(storeRow('session-store calls per abandoned login start', (s) => s.abandonedStart));
  rows.push([
    'sessions stored per abandoned login start',
    ...names.map((n) => fixed(result.store[n]?.sessionsPerAbandonedStart, 2)),
    '',
  ]);
  const heapLogins = Math.min(...result.variants.map((v) => v.heap.logins));
  rows.push([
    `heap growth after ${heapLogins} logins, MB`,
    ...result.variants.map((v) => mb(v.heap.growthBytes)),
    '',
  ]);
  return [header, header.map(() => '---'), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

/** The Redis run's targets: store calls, abandoned starts, logins/s against the baseline. */
export function checkRedisTargets(result: RedisRunResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ours = result.store.ours;
  const baseline = result.store.baseline;
  if (ours !== undefined) {
    checks.push({
      target: `Redis: session-store calls per login (visitor not logged in) <= ${MAX_CALLS_PER_LOGIN}`,
      measured: `${ours.login.perRun.toFixed(2)} (baseline ${fixed(baseline?.login.perRun, 2)})`,
      met: ours.login.perRun <= MAX_CALLS_PER_LOGIN,
    });
    checks.push({
      target: 'Redis: sessions stored per abandoned login start: 0',
      measured: `${ours.sessionsPerAbandonedStart.toFixed(2)} (baseline ${fixed(baseline?.sessionsPerAbandonedStart, 2)})`,
      met: ours.sessionsPerAbandonedStart === 0,
    });
  }
  for (const metric of result.compared.filter((m) => m.id.startsWith('loginsPerSecond'))) {
    if (metric.oursOverBaseline === undefined) continue;
    checks.push({
      target: `Redis: ${metric.label}: ours/baseline >= ${MIN_LOGINS_RATIO} (median over rounds)`,
      measured: ratioText(metric.oursOverBaseline),
      met: metric.oursOverBaseline.median >= MIN_LOGINS_RATIO,
    });
  }
  return checks;
}

/**
 * What a store farther away than loopback would add. Every session-store call of a login is one
 * round trip the login waits for, one after another, so each millisecond of store latency adds
 * as many milliseconds to a login as it makes calls. At concurrency 1 a login's time is the
 * inverse of logins/s, which gives the ratio at a given latency.
 */
export function latencyNote(result: RedisRunResult): string {
  const ours = result.store.ours?.login.perRun;
  const baseline = result.store.baseline?.login.perRun;
  const c1 = result.compared.find((m) => m.id === 'loginsPerSecondC1');
  const oursRate = c1?.medians.ours;
  const baselineRate = c1?.medians.baseline;
  if (ours === undefined || baseline === undefined || !oursRate || !baselineRate) return '';
  const oursMs = 1000 / oursRate;
  const baselineMs = 1000 / baselineRate;
  const at = (latency: number): string =>
    ((baselineMs + baseline * latency) / (oursMs + ours * latency)).toFixed(2);
  return (
    `Store latency: each ms of round-trip time to the session store adds ${ours.toFixed(1)} ms ` +
    `to every ours login and ${baseline.toFixed(1)} ms to every baseline login, so the gap ` +
    `widens by ${(baseline - ours).toFixed(1)} ms per login per ms. At concurrency 1 ` +
    `(${oursMs.toFixed(2)} ms against ${baselineMs.toFixed(2)} ms per login here) the ` +
    `ours/baseline ratio of logins/s would be ${at(1)} at 1 ms, ${at(5)} at 5 ms.`
  );
}

function callText(figure: CallFigure | undefined): string {
  if (figure === undefined) return '';
  const parts = Object.entries(figure.byCommand)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => `${name} ${fixed(count, 2)}`);
  return `${figure.perRun.toFixed(2)}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}
