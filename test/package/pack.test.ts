import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { ROOT, run } from './run';

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

  it('ships only dist/, package.json, README, LICENSE and CHANGELOG', () => {
    const outside = files.filter((file) => !file.startsWith('dist/'));
    expect(outside.sort()).to.deep.equal(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
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

describe('runtime dependencies of dist', () => {
  it('requires only Node built-ins and declared dependencies', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const declared = new Set(Object.keys(pkg.dependencies ?? {}));
    const builtins = new Set(builtinModules);
    const undeclared = new Set<string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (name.endsWith('.js')) {
          for (const [, spec] of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
            if (spec!.startsWith('.') || spec!.startsWith('node:') || builtins.has(spec!)) continue;
            const pkgName = spec!.startsWith('@')
              ? spec!.split('/').slice(0, 2).join('/')
              : spec!.split('/')[0]!;
            if (!declared.has(pkgName)) undeclared.add(`${pkgName} (${path.relative(ROOT, file)})`);
          }
        }
      }
    };
    walk(path.join(ROOT, 'dist'));
    expect([...undeclared]).to.deep.equal([]);
  });
});

describe('type dependencies of dist', () => {
  it('the .d.ts files import only Node built-ins and packages whose types are dependencies', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const declared = new Set(Object.keys(pkg.dependencies ?? {}));
    const typesOf = (name: string): string =>
      `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
    const missing = new Set<string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (name.endsWith('.d.ts')) {
          const text = readFileSync(file, 'utf8');
          const info = ts.preProcessFile(text, true, true);
          const specs = [
            ...info.importedFiles.map((f) => f.fileName),
            ...[...text.matchAll(/^declare module '([^']+)'/gm)].map((m) => m[1]!),
          ];
          for (const spec of specs) {
            if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec))
              continue;
            const parts = spec.split('/');
            const pkgName = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
            if (pkgName === 'passport-agilecrm') continue;
            // The package itself must be a dependency when its JavaScript is used; its types
            // may come with it or from @types.
            if (!declared.has(typesOf(pkgName)) && !declared.has(pkgName)) {
              missing.add(`${spec} (${path.relative(ROOT, file)})`);
            } else if (!declared.has(typesOf(pkgName)) && !hasOwnTypes(pkgName)) {
              missing.add(`${typesOf(pkgName)} for ${spec} (${path.relative(ROOT, file)})`);
            }
          }
        }
      }
    };
    walk(path.join(ROOT, 'dist'));
    expect([...missing]).to.deep.equal([]);
  });
});

/** True when an installed package ships its own type declarations. */
function hasOwnTypes(name: string): boolean {
  const manifest = JSON.parse(
    readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
  ) as { types?: string; typings?: string; exports?: unknown };
  return (
    Boolean(manifest.types ?? manifest.typings) ||
    JSON.stringify(manifest.exports ?? '').includes('"types"')
  );
}
