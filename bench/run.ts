/**
 * `npm run bench`: complete logins through three Express apps side by side (passport-agilecrm,
 * a plain passport-oauth2 subclass, and no passport at all) against the bundled Agile CRM
 * emulator over TLS on loopback, in alternating rounds so machine drift cancels in the ratios.
 * Prints a Markdown table and writes bench/results/<timestamp>.json.
 *
 * Sizes come from BENCH_* variables (see config.ts); BENCH_QUICK=1 is a short smoke run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createEmulator } from 'passport-agilecrm/testing';
import { AppProcess } from './app-process';
import { makeCertificate } from './cert';
import { measureColdStart } from './cold-start';
import { readConfig, type BenchConfig, type VariantName } from './config';
import { LoginDriver } from './driver';
import { HOSTING_LABELS } from './hosting';
import { describeMachine } from './machine';
import { measureInSlices, measureTakingTurns } from './measure';
import {
  checkTargets,
  compare,
  connectionsPerLogin,
  formatTable,
  formatTargets,
  type BenchResult,
  type HeapFigures,
  type RoundFigures,
  type VariantResult,
} from './report';
import { spread } from './stats';
import type { ProviderSettings } from './variants/settings';

const ROOT = path.join(__dirname, '..');

interface Contender {
  name: VariantName;
  app: AppProcess;
  driver: LoginDriver;
  rounds: RoundFigures[];
  heapBefore: number;
  loginsSinceHeap: number;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const config = readConfig();
  const machine = describeMachine();
  log(`machine: ${machine.cpus} CPUs, ${machine.cpuModel}, Node ${machine.node}`);
  log(`config: ${JSON.stringify(config)}`);

  const cert = await makeCertificate();
  const emulator = await createEmulator({ tls: cert, keepAliveTimeout: 600 }).listen();
  const settings: ProviderSettings = {
    origin: emulator.url,
    domain: 'demo',
    clientID: emulator.clientID,
    clientSecret: emulator.clientSecret,
    ca: cert.cert,
  };
  const approve = (url: string): string => emulator.approve(url);

  const contenders: Contender[] = [];
  try {
    for (const name of config.variants) {
      const app = await AppProcess.start(name, settings, config.hosting);
      contenders.push({
        name,
        app,
        driver: new LoginDriver(app.origin, approve),
        rounds: [],
        heapBefore: 0,
        loginsSinceHeap: 0,
      });
    }

    for (const c of contenders) {
      log(`warm-up ${c.name}: ${config.warmup} logins`);
      await loginsOrThrow(c, config.warmup, config.concurrency);
      await loginsOrThrow(c, Math.ceil(config.warmup / 4), 1);
      c.heapBefore = await c.app.heapAfterGC();
    }

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
          `round ${round} ${c.name.padEnd(8)} ` +
            `c${config.concurrency} ${f.high.loginsPerSecond.toFixed(0)}/s ` +
            `c1 ${f.single.loginsPerSecond.toFixed(0)}/s ` +
            `cpu ${((f.high.cpuMs + f.single.cpuMs) / (f.high.logins + f.single.logins)).toFixed(2)} ms/login ` +
            `conns ${f.high.connections + f.single.connections}`,
        );
      }
      log(
        `round ${round} runner   cpu ${((runnerMs.user + runnerMs.system) / 1000 / logins).toFixed(2)} ms/login`,
      );
    }

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

    log(`cold start: ${config.coldRuns} fresh processes per package`);
    const cold = measureColdStart(['passport-agilecrm', 'passport-oauth2'], config.coldRuns, ROOT);

    const variants: VariantResult[] = contenders.map((c) => ({
      name: c.name,
      rounds: c.rounds,
      heap: heap[c.name]!,
    }));
    const compared = compare(variants, config.concurrency);
    const connections: Partial<Record<VariantName, number>> = {};
    for (const v of variants) connections[v.name] = connectionsPerLogin(v);
    const result: BenchResult = {
      startedAt: startedAt.toISOString(),
      durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
      command: 'npm run bench',
      machine,
      config,
      compared,
      connectionsPerLogin: connections,
      heap,
      coldStartMs: Object.fromEntries(
        Object.entries(cold).map(([name, runs]) => [name, { ...spread(runs), runs }]),
      ),
      targets: checkTargets(compared, connections, heap),
      variants,
    };

    const file = writeResult(result);
    process.stdout.write(
      `\n${formatTable(result)}\n\n` +
        `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}. ` +
        `${config.rounds} alternating rounds; ratios are per round (min / median / max). ` +
        `Apps served ${HOSTING_LABELS[config.hosting]} (BENCH_HOSTING=${config.hosting}).\n\n` +
        `${formatTargets(result.targets)}\n\n` +
        `Result: ${path.relative(process.cwd(), file)} (${result.durationSeconds.toFixed(0)} s)\n`,
    );
  } finally {
    for (const c of contenders) c.driver.close();
    await Promise.all(contenders.map((c) => c.app.stop()));
    await emulator.close();
  }
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

async function loginsOrThrow(c: Contender, count: number, concurrency: number): Promise<void> {
  const run = await c.driver.run(count, concurrency);
  c.loginsSinceHeap += run.logins;
  if (run.errors > 0) {
    throw new Error(`${c.name}: ${run.errors} failed logins; first: ${run.firstError}`);
  }
}

function writeResult(result: BenchResult): string {
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
