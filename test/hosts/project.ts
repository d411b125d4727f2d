/**
 * Host projects as a user has them: the package packed with `npm pack`, installed from the
 * tarball next to the host's own pinned dependencies, and the host compiled with its own
 * TypeScript and tsconfig.
 *
 * Installs come from the registry and are kept between runs under node_modules/.cache, one
 * directory per host, keyed by the host's package.json and this package's dependencies; a
 * later run only swaps in the newly packed tarball.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from './processes';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** Where the host projects' sources live: one folder per host. */
export const APPS = path.join(__dirname, 'apps');

const CACHE = path.join(ROOT, 'node_modules', '.cache', 'passport-agilecrm-hosts');
const KEY_FILE = '.hosts-install-key';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let packed: Promise<string> | undefined;

/**
 * Packs this repository once per run into a temporary folder (npm runs `prepare`, which builds
 * dist/, as it does before publishing) and returns the tarball's path.
 */
export function packTarball(): Promise<string> {
  packed ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'passport-agilecrm-pack-'));
    const out = await runCommand(npm, ['pack', '--json', '--pack-destination', dir], {
      cwd: ROOT,
      timeout: 180_000,
    });
    const [entry] = JSON.parse(out) as [{ filename: string }];
    return path.join(dir, entry.filename);
  })();
  return packed;
}

/** Deletes the packed tarball, if this run made one. */
export async function removeTarball(): Promise<void> {
  if (packed === undefined) return;
  const tarball = await packed.catch(() => undefined);
  packed = undefined;
  if (tarball !== undefined) await rm(path.dirname(tarball), { recursive: true, force: true });
}

/**
 * Lays out host `name` in its cache folder with the packed package installed, and returns the
 * folder. Its sources (and those of the `shared` folders under apps/) are copied afresh on
 * every run; dependencies are installed from the registry only when the key changed.
 */
export async function installHost(
  name: string,
  tarball: string,
  shared: readonly string[] = [],
): Promise<string> {
  const source = path.join(APPS, name);
  const work = path.join(CACHE, name);
  const manifest = await readFile(path.join(source, 'package.json'), 'utf8');
  const key = await installKey(manifest);
  const keyFile = path.join(work, 'node_modules', KEY_FILE);
  if ((await readFile(keyFile, 'utf8').catch(() => '')) === key) {
    await swapInTarball(work, tarball);
  } else {
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    await writeFile(path.join(work, 'package.json'), manifest);
    // --no-save: the manifest stays the host's own; the tarball is installed as a user's
    // `npm install passport-agilecrm` would install the published package.
    await runCommand(npm, ['install', '--no-save', '--no-audit', '--no-fund', tarball], {
      cwd: work,
      timeout: 600_000,
    });
    await writeFile(keyFile, key);
  }
  for (const entry of await readdir(work)) {
    if (!['package.json', 'package-lock.json', 'node_modules'].includes(entry)) {
      await rm(path.join(work, entry), { recursive: true, force: true });
    }
  }
  for (const from of [...shared.map((dir) => path.join(APPS, dir)), source]) {
    for (const entry of await readdir(from)) {
      if (entry === 'package.json') continue;
      await cp(path.join(from, entry), path.join(work, entry), { recursive: true });
    }
  }
  return work;
}

/** Writes extra source files into a laid-out host (the README's programs, for example). */
export async function addFiles(work: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, name)), { recursive: true });
    await writeFile(path.join(work, name), text);
  }
}

/** Compiles a laid-out host with its own TypeScript: `tsc -p <tsconfig>`. */
export async function compileHost(work: string, tsconfig = 'tsconfig.json'): Promise<void> {
  const tsc = path.join(work, 'node_modules', 'typescript', 'bin', 'tsc');
  await runCommand(process.execPath, [tsc, '-p', tsconfig, '--pretty', 'false'], {
    cwd: work,
    timeout: 240_000,
  });
}

/**
 * What `npm ls` finds wrong in a laid-out host's installed tree: a dependency missing, or
 * resolved outside its range (a package requiring `cookie@^1` that finds 0.7). Packages are
 * extraneous there by design (the tarball is installed with --no-save), so that is left out.
 */
export async function treeProblems(work: string): Promise<string[]> {
  const out = await runCommand(npm, ['ls', '--all', '--json'], {
    cwd: work,
    timeout: 60_000,
    exitCodes: [0, 1],
  });
  const { problems = [] } = JSON.parse(out) as { problems?: string[] };
  return problems.filter((problem) => !problem.startsWith('extraneous:'));
}

/** The paths under the host's node_modules where `name` is installed (one when deduplicated). */
export async function installedCopies(work: string, name: string): Promise<string[]> {
  const found: string[] = [];
  const list = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);
  const walk = async (modules: string): Promise<void> => {
    for (const entry of await list(modules)) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@')
        ? (await list(path.join(modules, entry))).map((inner) => `${entry}/${inner}`)
        : [entry];
      for (const pkg of names) {
        const dir = path.join(modules, pkg);
        if (pkg === name) found.push(path.relative(work, dir));
        await walk(path.join(dir, 'node_modules'));
      }
    }
  };
  await walk(path.join(work, 'node_modules'));
  return found;
}

/**
 * The packages a compiled entry point of a laid-out host imports, through its own modules: the
 * bare specifiers of every `require("…")`, `import … from '…'` and `import('…')` reachable from
 * `entry` by relative imports, without subpaths (`@nestjs/common`, not `@nestjs/common/x`).
 */
export async function importedPackages(work: string, entry: string): Promise<string[]> {
  const specifier =
    /\brequire\(\s*["']([^"']+)["']\s*\)|\bfrom\s*["']([^"']+)["']|\bimport\s*\(?\s*["']([^"']+)["']/g;
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = await readFile(file, 'utf8');
    for (const match of code.matchAll(specifier)) {
      const name = match[1] ?? match[2] ?? match[3] ?? '';
      if (name.startsWith('.')) {
        const target = path.resolve(path.dirname(file), name);
        await visit(target.endsWith('.js') ? target : `${target}.js`);
      } else {
        const parts = name.split('/');
        packages.add(parts.slice(0, name.startsWith('@') ? 2 : 1).join('/'));
      }
    }
  };
  await visit(path.join(work, entry));
  return [...packages].sort();
}

/** The host's manifest and this package's dependencies: what the installed tree depends on. */
async function installKey(manifest: string): Promise<string> {
  const own = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies?: unknown;
  };
  return createHash('sha256')
    .update(manifest)
    .update(JSON.stringify(own.dependencies ?? {}))
    .digest('hex');
}

/**
 * Replaces the installed passport-agilecrm with the tarball's contents. Its own node_modules
 * stays: npm nests there the dependencies whose range the host's copy does not meet (`cookie` 1
 * beside express's `cookie` 0.7), and the install key covers them.
 */
async function swapInTarball(work: string, tarball: string): Promise<void> {
  const unpacked = await mkdtemp(path.join(work, '.unpack-'));
  try {
    await runCommand('tar', ['-xzf', tarball, '-C', unpacked], { cwd: work, timeout: 60_000 });
    const target = path.join(work, 'node_modules', 'passport-agilecrm');
    const fresh = path.join(unpacked, 'package');
    await rename(path.join(target, 'node_modules'), path.join(fresh, 'node_modules')).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      },
    );
    await rm(target, { recursive: true, force: true });
    await rename(fresh, target);
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}
