/**
 * Summarises a V8 `.cpuprofile` (from BENCH_CPU_PROF=1): self time per function and total
 * (inclusive) time per package or file, to see where an app's login time goes.
 *
 * Usage: tsx bench/profile-summary.ts bench/results/profiles/ours-*.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
  const top = Number(topArg ?? 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byID = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const node = byID.get(id)!;
    add(self, frameName(node), dt);
    // Each file counted once per sample even when it appears several times on the stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const where = fileOf(byID.get(at)!);
      if (!seen.has(where)) {
        seen.add(where);
        add(inclusive, where, dt);
      }
    }
  });
  print('self time by function', self, total, top);
  print('inclusive time by file', inclusive, total, top);
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${shorten(url)}:${lineNumber + 1}`;
}

function fileOf(node: ProfileNode): string {
  return shorten(node.callFrame.url) || node.callFrame.functionName || '(native)';
}

function shorten(url: string): string {
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) return url.slice(at + 'node_modules/'.length);
  return url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function print(title: string, map: Map<string, number>, total: number, top: number): void {
  process.stdout.write(`\n${title} (of ${(total / 1000).toFixed(0)} ms)\n`);
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, time] of rows) {
    process.stdout.write(`${((100 * time) / total).toFixed(1).padStart(6)}%  ${name}\n`);
  }
}

main();
