/**
 * `npm run bench`: complete logins through three Express apps side by side (passport-agilecrm,
 * a plain passport-oauth2 subclass, and no passport at all) against the bundled Agile CRM
 * emulator over TLS on loopback, in alternating rounds so machine drift cancels in the ratios,
 * with express-session's MemoryStore. Then the Redis run (redis-run.ts): ours with
 * CookiePendingLoginStore against the baseline, sessions in Redis. Prints Markdown tables and
 * writes bench/results/<timestamp>.json.
 *
 * Sizes come from BENCH_* variables (see config.ts); BENCH_QUICK=1 is a short smoke run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createEmulator } from 'passport-agilecrm/testing';
import { AppProcess } from './app-process';
import { makeCertificate } from './cert';
import { measureColdStart } from './cold-start';
import { readConfig } from './config';
import { LoginDriver } from './driver';
import { HOSTING_LABELS } from './hosting';
import { describeMachine } from './machine';
import { checkRedisTargets, formatRedisTable, latencyNote } from './redis-report';
import { runWithRedis, type RedisRunResult } from './redis-run';
import {
  checkTargets,
  compare,
  connectionsPerLogin,
  formatTable,
  formatTargets,
  type BenchResult,
  type VariantResult,
} from './report';
import { contender, log, measureHeap, runRounds, warmUp, type Contender } from './rounds';
import { spread } from './stats';
import type { VariantName } from './config';
import type { ProviderSettings } from './variants/settings';

const ROOT = path.join(__dirname, '..');

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
      contenders.push(contender(name, app, new LoginDriver(app.origin, approve)));
    }
    await warmUp(contenders, config);
    await runRounds(contenders, config, 'memory');
    const heap = await measureHeap(contenders, config);
    const variants: VariantResult[] = contenders.map((c) => ({
      name: c.name,
      rounds: c.rounds,
      heap: heap[c.name]!,
    }));
    for (const c of contenders) c.driver.close();
    await Promise.all(contenders.map((c) => c.app.stop()));
    contenders.length = 0;

    let redis: RedisRunResult | undefined;
    if (config.redis) {
      log('redis run: ours with CookiePendingLoginStore against the baseline');
      redis = await runWithRedis(config, settings, approve);
    }

    log(`cold start: ${config.coldRuns} fresh processes per package`);
    const cold = measureColdStart(['passport-agilecrm', 'passport-oauth2'], config.coldRuns, ROOT);

    const compared = compare(variants, config.concurrency);
    const connections: Partial<Record<VariantName, number>> = {};
    for (const v of variants) connections[v.name] = connectionsPerLogin(v);
    const targets = checkTargets(compared, connections, heap);
    if (redis) targets.push(...checkRedisTargets(redis));
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
      targets,
      variants,
      ...(redis ? { redis } : {}),
    };

    const file = writeResult(result);
    const redisPart = redis
      ? `With express-session on Redis (connect-redis, redis-server on loopback), visitors not ` +
        `logged in:\n\n${formatRedisTable(redis)}\n\n${latencyNote(redis)}\n\n`
      : '';
    process.stdout.write(
      `\n${formatTable(result)}\n\n` +
        `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}. ` +
        `${config.rounds} alternating rounds; ratios are per round (min / median / max). ` +
        `Apps served ${HOSTING_LABELS[config.hosting]} (BENCH_HOSTING=${config.hosting}).\n\n` +
        redisPart +
        `${formatTargets(result.targets)}\n\n` +
        `Result: ${path.relative(process.cwd(), file)} (${result.durationSeconds.toFixed(0)} s)\n`,
    );
  } finally {
    for (const c of contenders) c.driver.close();
    await Promise.all(contenders.map((c) => c.app.stop()));
    await emulator.close();
  }
}
function writeResult(result: BenchResult): string {
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
