/**
 * The TypeScript in the documentation compiles: every `ts` block of the repository's Markdown is
 * type-checked, strict, as an ES module that imports `passport-agilecrm` by name, which resolves
 * through this package's `exports` to the built `dist/` (run `npm run build` first).
 *
 * A snippet may use the names of snippet-context.ts without defining them. A block marked
 * `ts partial` (a fragment that cannot compile on its own, such as code for a framework this
 * repository does not install) is only parsed. docs/frameworks.md is left to the hosts suite,
 * which compares its blocks with the host projects' files and compiles those.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { markdownFiles, parsePage, readRepoFile, ROOT, type Fence } from './markdown';

/** Pages whose blocks another suite checks. */
const CHECKED_ELSEWHERE = ['docs/frameworks.md'];
const TYPESCRIPT = ['ts', 'typescript'];
const CONTEXT = path.join(ROOT, 'test', 'docs', 'snippet-context.ts');

interface Snippet {
  page: string;
  fence: Fence;
  partial: boolean;
  /** The virtual file the snippet is compiled as. */
  fileName: string;
  /** Lines put before the snippet's own (the import of the context). */
  prelude: number;
  source: string;
}

/** Names a snippet declares at its top level (imports included), which shadow the context. */
function topLevelNames(code: string): Set<string> {
  const file = ts.createSourceFile('snippet.mts', code, ts.ScriptTarget.Latest);
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else
      for (const element of name.elements)
        if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings))
        for (const e of bindings.elements) names.add(e.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations)
        addBinding(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** The names snippet-context.ts exports. */
function contextNames(): string[] {
  const file = ts.createSourceFile(CONTEXT, ts.sys.readFile(CONTEXT)!, ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of file.statements) {
    const exported = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const element of statement.exportClause.elements) names.push(element.name.text);
    } else if (exported && ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name)) names.push(d.name.text);
    } else if (exported && ts.isFunctionDeclaration(statement) && statement.name) {
      names.push(statement.name.text);
    }
  }
  return names;
}

function collectSnippets(): Snippet[] {
  const available = contextNames();
  const snippets: Snippet[] = [];
  for (const page of markdownFiles()) {
    if (CHECKED_ELSEWHERE.includes(page)) continue;
    for (const fence of parsePage(readRepoFile(page)).fences) {
      if (!TYPESCRIPT.includes(fence.lang)) continue;
      const partial = fence.meta.includes('partial');
      const own = topLevelNames(fence.code);
      const used = available.filter((name) => !own.has(name));
      const prelude =
        partial || used.length === 0
          ? ''
          : `import { ${used.join(', ')} } from './snippet-context.js';\n`;
      const name = `${page.replace(/[^\w]+/g, '-')}-line-${fence.line}.mts`;
      snippets.push({
        page,
        fence,
        partial,
        fileName: path.join(ROOT, 'test', 'docs', name),
        prelude: prelude === '' ? 0 : 1,
        source: `${prelude}${fence.code}`,
      });
    }
  }
  return snippets;
}

function compilerOptions(): ts.CompilerOptions {
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    {
      strict: true,
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'node16',
      moduleResolution: 'node16',
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node', 'mocha'],
      noEmit: true,
    },
    ROOT,
  );
  expect(errors).to.deep.equal([]);
  return options;
}

/** A program of the real files plus the snippets, which live only in memory. */
function compile(snippets: Snippet[], options: ts.CompilerOptions): ts.Program {
  const host = ts.createCompilerHost(options);
  const virtual = new Map(snippets.map((s) => [path.normalize(s.fileName), s.source]));
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => virtual.has(path.normalize(file)) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(path.normalize(file)) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const source = virtual.get(path.normalize(file));
    return source === undefined
      ? getSourceFile.call(host, file, language, ...rest)
      : ts.createSourceFile(file, source, language);
  };
  return ts.createProgram(
    snippets.map((s) => s.fileName),
    options,
    host,
  );
}

/** A diagnostic as `page:line: message`, with the line in the Markdown page. */
function describeDiagnostic(snippet: Snippet, diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `${snippet.page}: ${message}`;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const where =
    diagnostic.file.fileName === snippet.fileName
      ? `${snippet.page}:${snippet.fence.line + line - snippet.prelude + 1}`
      : `${path.relative(ROOT, diagnostic.file.fileName)}:${line + 1}`;
  return `${where}: ${message}`;
}

describe('TypeScript in the documentation', function () {
  this.timeout(120_000);

  const snippets = collectSnippets();
  let program: ts.Program;
  const options = compilerOptions();

  before(() => {
    const built = path.join(ROOT, 'dist', 'index.d.ts');
    if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` first');
    program = compile(snippets, options);
  });

  it('resolves passport-agilecrm and passport-agilecrm/testing to this package, built', () => {
    const from = snippets.find((s) => !s.partial)!.fileName;
    const resolve = (name: string): string | undefined =>
      ts.resolveModuleName(name, from, options, ts.sys, undefined, undefined, ts.ModuleKind.ESNext)
        .resolvedModule?.resolvedFileName;
    expect(resolve('passport-agilecrm')).to.equal(path.join(ROOT, 'dist', 'index.d.ts'));
    expect(resolve('passport-agilecrm/testing')).to.equal(
      path.join(ROOT, 'dist', 'testing', 'index.d.ts'),
    );
  });

  it("finds the manual's snippets", () => {
    const pages = new Set(snippets.filter((s) => !s.partial).map((s) => s.page));
    expect([...pages]).to.include.members([
      'README.md',
      'docs/api-key.md',
      'docs/client.md',
      'docs/oauth.md',
      'docs/pending-logins.md',
      'docs/testing.md',
    ]);
  });

  it("keeps the README's fences readable by the hosts suite (a language, nothing more)", () => {
    const fences = parsePage(readRepoFile('README.md')).fences;
    expect(
      fences.filter((f) => f.meta.length > 0).map((f) => `README.md:${f.line} ${f.info}`),
    ).to.deep.equal([]);
  });

  it('declares in snippet-context.ts only names some snippet uses', () => {
    const unused = contextNames().filter(
      (name) => !snippets.some((s) => !s.partial && new RegExp(`\\b${name}\\b`).test(s.fence.code)),
    );
    expect(unused).to.deep.equal([]);
  });

  for (const snippet of snippets) {
    const what = snippet.partial ? 'parses (marked partial)' : 'compiles';
    it(`${snippet.page}:${snippet.fence.line} ${what}`, () => {
      const file = program.getSourceFile(snippet.fileName)!;
      const diagnostics = snippet.partial
        ? program.getSyntacticDiagnostics(file)
        : [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
      expect(diagnostics.map((d) => describeDiagnostic(snippet, d))).to.deep.equal([]);
    });
  }
});
