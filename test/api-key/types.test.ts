import { expect } from 'chai';
import * as path from 'node:path';
import ts from 'typescript';

function diagnostics(file: string, options: ts.CompilerOptions): string[] {
  const program = ts.createProgram([file], options);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('ApiKeyStrategy: verify forms type-check in a strict consumer without annotations', () => {
  const strict: ts.CompilerOptions = {
    strict: true,
    noImplicitAny: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    types: ['node'],
    esModuleInterop: true,
  };

  it('compiles the consumer file with no errors (each form, with and without req)', function () {
    this.timeout(60_000);
    const file = path.join(__dirname, 'support', 'strict-consumer.ts');
    expect(diagnostics(file, strict)).to.deep.equal([]);
  });
});
