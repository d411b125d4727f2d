import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { ROOT, run } from './support/run';

interface PackEntry {
  path: string;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('npm pack', function () {
  this.timeout(120_000);

  let files: string[];
  before(async () => {
    // --ignore-scripts: list what would ship without rebuilding (npm test has built dist).
    const out = await run(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], 120_000);
    const [pack] = JSON.parse(out) as [{ files: PackEntry[] }];
    files = pack.files.map((file) => file.path);
  });

  it('ships only dist/, package.json, README, LICENSE, CHANGELOG and the testing/ stub', () => {
    const outside = files.filter((file) => !file.startsWith('dist/'));
    expect(outside.sort()).to.deep.equal([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'package.json',
      'testing/package.json',
    ]);
  });

  it("the testing/ stub, for resolvers that ignore exports (TypeScript's node10), names files that ship", () => {
    const stub = JSON.parse(readFileSync(path.join(ROOT, 'testing', 'package.json'), 'utf8')) as {
      main: string;
      types: string;
    };
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };
    const viaStub = [stub.types, stub.main].map((file) => path.posix.join('testing', file));
    const viaExports = [pkg.exports['./testing']!.types, pkg.exports['./testing']!.default];
    expect(viaStub).to.deep.equal(viaExports.map((file) => path.posix.normalize(file)));
    for (const file of viaStub) expect(files).to.include(file);
  });

  it('ships the entry points named in package.json', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      main: string;
      types: string;
      exports: Record<string, string | Record<string, string>>;
    };
    const named = [pkg.main, pkg.types];
    for (const target of Object.values(pkg.exports)) {
      named.push(...(typeof target === 'string' ? [target] : Object.values(target)));
    }
    for (const file of named) expect(files).to.include(path.posix.normalize(file));
  });

  it('ships no tests, TypeScript sources or build info', () => {
    const stray = files.filter(
      (file) =>
        /(^|\/)test(s)?\//.test(file) ||
        /\.test\./.test(file) ||
        (file.endsWith('.ts') && !file.endsWith('.d.ts')) ||
        file.endsWith('.tsbuildinfo'),
    );
    expect(stray).to.deep.equal([]);
  });
});

interface Manifest {
  dependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const declared = new Set(Object.keys(manifest.dependencies ?? {}));

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function isBuiltin(spec: string): boolean {
  return spec.startsWith('node:') || builtinModules.includes(spec);
}

/** The DefinitelyTyped package for `name`. */
function typesOf(name: string): string {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}

/** Every file under dist/ whose name ends with `suffix`. */
function distFiles(suffix: string, dir = path.join(ROOT, 'dist')): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) found.push(...distFiles(suffix, file));
    else if (name.endsWith(suffix)) found.push(file);
  }
  return found;
}

/** Packages dist's JavaScript requires, each with the first file that does. */
function runtimeImports(): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of distFiles('.js')) {
    // tsc writes the requires of imports with double quotes; a require() in the source keeps its own.
    for (const [, , spec] of readFileSync(file, 'utf8').matchAll(/require\((["'])([^"']+)\1\)/g)) {
      if (spec!.startsWith('.') || isBuiltin(spec!)) continue;
      if (!used.has(packageOf(spec!))) used.set(packageOf(spec!), path.relative(ROOT, file));
    }
  }
  return used;
}

/** Packages dist's declarations import or augment, each with the first file that does. */
function typeImports(): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of distFiles('.d.ts')) {
    const text = readFileSync(file, 'utf8');
    const info = ts.preProcessFile(text, true, true);
    const specs = [
      ...info.importedFiles.map((f) => f.fileName),
      ...[...text.matchAll(/^declare module '([^']+)'/gm)].map((m) => m[1]!),
    ];
    for (const spec of specs) {
      if (spec.startsWith('.') || isBuiltin(spec)) continue;
      const name = packageOf(spec);
      if (name !== 'passport-agilecrm' && !used.has(name))
        used.set(name, path.relative(ROOT, file));
    }
  }
  return used;
}

describe('runtime dependencies of dist', () => {
  it('requires only Node built-ins and declared dependencies', () => {
    const undeclared = [...runtimeImports()]
      .filter(([name]) => !declared.has(name))
      .map(([name, file]) => `${name} (${file})`);
    expect(undeclared).to.deep.equal([]);
  });
});

describe('type dependencies of dist', () => {
  it('the .d.ts files import only Node built-ins and packages whose types are dependencies', () => {
    const missing: string[] = [];
    for (const [name, file] of typeImports()) {
      // The package itself must be a dependency when its JavaScript is used; its types may come
      // with it or from @types.
      if (!declared.has(typesOf(name)) && !declared.has(name)) {
        missing.push(`${name} (${file})`);
      } else if (!declared.has(typesOf(name)) && !hasOwnTypes(name)) {
        missing.push(`${typesOf(name)} for ${name} (${file})`);
      }
    }
    expect(missing).to.deep.equal([]);
  });
});

describe('dependencies', () => {
  it('holds only what dist requires or its declarations import', () => {
    const runtime = runtimeImports();
    const types = typeImports();
    const needed = new Set([...runtime.keys(), ...types.keys(), ...[...types.keys()].map(typesOf)]);
    const stray = [...declared].filter((name) => !needed.has(name));
    expect(stray).to.deep.equal([]);
  });
});

/** True when an installed package ships its own type declarations. */
function hasOwnTypes(name: string): boolean {
  const installed = JSON.parse(
    readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
  ) as { types?: string; typings?: string; exports?: unknown };
  return (
    Boolean(installed.types ?? installed.typings) ||
    JSON.stringify(installed.exports ?? '').includes('"types"')
  );
}
