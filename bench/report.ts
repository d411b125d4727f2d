/**
 * Turns the measured rounds into the printed table (Markdown, pasted into bench/README.md as is),
 * the target checks, and the JSON result record.
 */
import type { BenchConfig, VariantName } from './config';
import type { RedisRunResult } from './redis-run';
import type { PhaseFigures } from './measure';
import { median, pairedRatios, spread, type Spread } from './stats';

/** One round of one variant: a phase at high concurrency, then one at concurrency 1. */
export interface RoundFigures {
  high: PhaseFigures;
  single: PhaseFigures;
}

/** Heap used after a full GC before and after `logins` logins. */
export interface HeapFigures {
  logins: number;
  beforeBytes: number;
  afterBytes: number;
  growthBytes: number;
}

/** Everything measured for one variant. */
export interface VariantResult {
  name: VariantName;
  rounds: RoundFigures[];
  heap: HeapFigures;
}

/** Where the figures came from. */
export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
}

/** A figure compared across variants: per-variant medians and paired ratios over rounds. */
export interface ComparedMetric {
  id: string;
  label: string;
  higherIsBetter: boolean;
  medians: Partial<Record<VariantName, number>>;
  oursOverBaseline?: Spread;
  oursOverLimit?: Spread;
}

/** The JSON record written to bench/results/. */
export interface BenchResult {
  startedAt: string;
  durationSeconds: number;
  command: string;
  machine: Machine;
  config: BenchConfig;
  compared: ComparedMetric[];
  connectionsPerLogin: Partial<Record<VariantName, number>>;
  heap: Partial<Record<VariantName, HeapFigures>>;
  coldStartMs: Record<string, { median: number; min: number; max: number; runs: number[] }>;
  targets: TargetCheck[];
  variants: VariantResult[];
  /** The run with a Redis session store, unless skipped with BENCH_REDIS=0. */
  redis?: RedisRunResult;
}

/** One target of issue 5 and whether this run met it. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

interface MetricDefinition {
  id: string;
  label: string;
  higherIsBetter: boolean;
  of(round: RoundFigures): number;
}

function metricDefinitions(concurrency: number): MetricDefinition[] {
  const c = concurrency;
  return [
    {
      id: 'loginsPerSecondC1',
      label: 'logins/s, concurrency 1',
      higherIsBetter: true,
      of: (r) => r.single.loginsPerSecond,
    },
    {
      id: `loginsPerSecondC${c}`,
      label: `logins/s, concurrency ${c}`,
      higherIsBetter: true,
      of: (r) => r.high.loginsPerSecond,
    },
    {
      id: 'callbackP50MsC1',
      label: 'callback p50 ms, concurrency 1',
      higherIsBetter: false,
      of: (r) => r.single.p50Ms,
    },
    {
      id: 'callbackP99MsC1',
      label: 'callback p99 ms, concurrency 1',
      higherIsBetter: false,
      of: (r) => r.single.p99Ms,
    },
    {
      id: `callbackP50MsC${c}`,
      label: `callback p50 ms, concurrency ${c}`,
      higherIsBetter: false,
      of: (r) => r.high.p50Ms,
    },
    {
      id: `callbackP99MsC${c}`,
      label: `callback p99 ms, concurrency ${c}`,
      higherIsBetter: false,
      of: (r) => r.high.p99Ms,
    },
    {
      id: 'cpuMsPerLogin',
      label: 'app CPU ms per login',
      higherIsBetter: false,
      of: (r) => (r.high.cpuMs + r.single.cpuMs) / Math.max(1, r.high.logins + r.single.logins),
    },
  ];
}

/** Per-variant medians and the ours/baseline and ours/limit ratios of every metric. */
export function compare(variants: VariantResult[], concurrency: number): ComparedMetric[] {
  const byName = new Map(variants.map((v) => [v.name, v]));
  const ours = byName.get('ours');
  return metricDefinitions(concurrency).map((metric) => {
    const series = (name: VariantName): number[] | undefined =>
      byName.get(name)?.rounds.map((round) => metric.of(round));
    const medians: Partial<Record<VariantName, number>> = {};
    for (const v of variants) medians[v.name] = median(series(v.name)!);
    const compared: ComparedMetric = {
      id: metric.id,
      label: metric.label,
      higherIsBetter: metric.higherIsBetter,
      medians,
    };
    const oursSeries = ours ? series('ours')! : undefined;
    const baseline = series('baseline');
    const limit = series('limit');
    if (oursSeries && baseline)
      compared.oursOverBaseline = spread(pairedRatios(oursSeries, baseline));
    if (oursSeries && limit) compared.oursOverLimit = spread(pairedRatios(oursSeries, limit));
    return compared;
  });
}

/** Provider connections opened per login over all measured phases. */
export function connectionsPerLogin(variant: VariantResult): number {
  let connections = 0;
  let logins = 0;
  for (const round of variant.rounds) {
    connections += round.high.connections + round.single.connections;
    logins += round.high.logins + round.single.logins;
  }
  return connections / Math.max(1, logins);
}

/** Checks the targets of issue 5 against this run. */
export function checkTargets(
  compared: ComparedMetric[],
  connections: Partial<Record<VariantName, number>>,
  heap: Partial<Record<VariantName, HeapFigures>>,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const metric of compared.filter((m) => m.id.startsWith('loginsPerSecond'))) {
    if (metric.oursOverBaseline) {
      checks.push({
        target: `${metric.label}: ours/baseline >= 1.0 (median over rounds)`,
        measured: ratioText(metric.oursOverBaseline),
        met: metric.oursOverBaseline.median >= 1.0,
      });
    }
    if (metric.oursOverLimit) {
      checks.push({
        target: `${metric.label}: ours/limit >= 0.85 (median over rounds)`,
        measured: ratioText(metric.oursOverLimit),
        met: metric.oursOverLimit.median >= 0.85,
      });
    }
  }
  if (connections.ours !== undefined) {
    checks.push({
      target: 'provider connections per login at steady state: 0',
      measured: connections.ours.toFixed(4),
      met: connections.ours === 0,
    });
  }
  if (heap.ours !== undefined) {
    checks.push({
      target: `heap growth after ${heap.ours.logins} logins < 5 MB`,
      measured: `${mb(heap.ours.growthBytes)} MB`,
      met: heap.ours.growthBytes < 5 * 1024 * 1024,
    });
  }
  return checks;
}

/** The Markdown table of one run. */
export function formatTable(result: BenchResult): string {
  const names = result.variants.map((v) => v.name);
  const header = [
    'figure',
    ...names,
    'ours/baseline (min / median / max)',
    'ours/limit (min / median / max)',
  ];
  const rows = result.compared.map((metric) => [
    ...metricRow(metric, names),
    metric.oursOverLimit ? ratioText(metric.oursOverLimit) : '',
  ]);
  rows.push([
    'provider connections opened per login, steady state',
    ...names.map((n) => fixed(result.connectionsPerLogin[n], 3)),
    '',
    '',
  ]);
  rows.push([
    `heap growth after ${heapLogins(result)} logins, MB`,
    ...names.map((n) => (result.heap[n] ? mb(result.heap[n].growthBytes) : '')),
    '',
    '',
  ]);
  const cold = result.coldStartMs;
  const coldOurs = cold['passport-agilecrm'];
  const coldBase = cold['passport-oauth2'];
  if (coldOurs && coldBase) {
    rows.push([
      `require() cold start, median ms of ${coldOurs.runs.length} fresh processes`,
      ...names.map((n) =>
        n === 'ours'
          ? coldOurs.median.toFixed(1)
          : n === 'baseline'
            ? coldBase.median.toFixed(1)
            : '',
      ),
      `${(coldOurs.median / coldBase.median).toFixed(2)} (of medians)`,
      '',
    ]);
  }
  return [header, header.map(() => '---'), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

/** A metric's label, its median for each of `names` and the ours/baseline ratios. */
export function metricRow(metric: ComparedMetric, names: readonly VariantName[]): string[] {
  const digits = metric.id.startsWith('loginsPerSecond') ? 0 : 2;
  return [
    `${metric.label} (${metric.higherIsBetter ? 'higher' : 'lower'} is better)`,
    ...names.map((n) => fixed(metric.medians[n], digits)),
    metric.oursOverBaseline ? ratioText(metric.oursOverBaseline) : '',
  ];
}

/** The target checks as lines. */
export function formatTargets(checks: TargetCheck[]): string {
  return checks.map((c) => `${c.met ? 'MET ' : 'MISS'}  ${c.target}: ${c.measured}`).join('\n');
}

/** Logins between the two heap readings: at least the configured count, more when rounds ran over. */
function heapLogins(result: BenchResult): number {
  const counts = Object.values(result.heap).map((h) => h.logins);
  return counts.length > 0 ? Math.min(...counts) : result.config.heapLogins;
}

/** A ratio spread as printed: min / **median** / max. */
export function ratioText(s: Spread): string {
  return `${s.min.toFixed(2)} / **${s.median.toFixed(2)}** / ${s.max.toFixed(2)}`;
}

/** `value` with `digits` decimals; empty when there is none. */
export function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? '' : value.toFixed(digits);
}

/** Bytes as MB with two decimals. */
export function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(2);
}
