/**
 * Code blocks of the README and of docs/frameworks.md, which the hosts suite compiles and runs
 * so that the documentation cannot drift from code that works.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './project';

/** A fenced code block and the `##` section it sits in. */
export interface CodeBlock {
  lang: string;
  code: string;
  section: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/** Every fenced code block of a Markdown file under the repository root. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const fence = /^```(\w*)\s*$/.exec(line);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ lang: fence[1]!, code: `${body.join('\n')}\n`, section, line: start + 1 });
  }
  return blocks;
}

/**
 * The README's whole Express programs (its quick starts): TypeScript blocks that create an
 * Express app. Each is compiled in the Express 4 and Express 5 hosts.
 */
export function readmePrograms(): Record<string, string> {
  const programs: Record<string, string> = {};
  for (const block of codeBlocks('README.md')) {
    if (block.lang === 'ts' && block.code.includes('= express();')) {
      programs[`src/readme-line-${block.line}.ts`] = block.code;
    }
  }
  return programs;
}

/** The host folders under apps/ whose sources each `##` section of docs/frameworks.md shows. */
export const FRAMEWORK_SECTIONS: Readonly<Record<string, readonly string[]>> = {
  NestJS: ['nest'],
  Fastify: ['fastify', 'fastify-session', 'fastify-secure-session'],
  'Express 4': ['express'],
};

/** A TypeScript block of docs/frameworks.md and the file it names in its first line. */
export interface GuideBlock {
  block: CodeBlock;
  /** From the first line, `// src/...`. */
  file: string | undefined;
}

/** The TypeScript blocks of docs/frameworks.md. */
export function frameworkGuideBlocks(): GuideBlock[] {
  return codeBlocks('docs/frameworks.md')
    .filter((block) => block.lang === 'ts')
    .map((block) => ({ block, file: /^\/\/ (src\/\S+\.ts)\n/.exec(block.code)?.[1] }));
}
