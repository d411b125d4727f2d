/**
 * Cold start: the time `require()` of a package takes in a fresh Node process, measured inside
 * that process around the call alone (process start-up itself is the same for both).
 */
import { spawnSync } from 'node:child_process';

/** Milliseconds per fresh process, for each package, runs alternated so drift cancels. */
export function measureColdStart(
  packages: readonly string[],
  runs: number,
  cwd: string,
): Record<string, number[]> {
  const times: Record<string, number[]> = Object.fromEntries(packages.map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const name of packages) times[name]!.push(requireTime(name, cwd));
  }
  return times;
}

function requireTime(name: string, cwd: string): number {
  const script =
    'const t = process.hrtime.bigint();' +
    `require(${JSON.stringify(name)});` +
    'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  // A clean environment: no loader hooks or extra CA files inherited from the runner.
  const child = spawnSync(process.execPath, ['-e', script], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  });
  if (child.status !== 0) throw new Error(`require('${name}') failed: ${child.stderr}`);
  return Number(child.stdout);
}
