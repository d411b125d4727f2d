/**
 * Just enough Markdown reading for the documentation tests: the repository's Markdown files,
 * their fenced code blocks, their links, and the anchors GitHub gives their headings.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Files in the repository, relative to its root with `/` separators: tracked ones and new ones
 * not ignored by .gitignore (so a page added but not yet committed is checked too).
 */
export function repositoryFiles(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return out.split('\0').filter((file) => file !== '');
}

/** The repository's Markdown files. */
export function markdownFiles(): string[] {
  return repositoryFiles().filter((file) => file.endsWith('.md'));
}

export function readRepoFile(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

/** A fenced code block. */
export interface Fence {
  /** The info string's first word, e.g. `ts`. */
  lang: string;
  /** The info string's other words, e.g. `['partial']`. */
  meta: string[];
  /** The raw info string. */
  info: string;
  /** The block's text, its fence's indentation removed, ending with a newline. */
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/** A page split into its fenced code blocks and its prose (code blocks blanked, lines kept). */
export interface ParsedPage {
  fences: Fence[];
  prose: string;
}

const OPENING_FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/;

/** Finds the fenced code blocks (also indented ones inside list items) of a Markdown text. */
export function parsePage(text: string): ParsedPage {
  const lines = text.split('\n');
  const fences: Fence[] = [];
  const prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const opening = OPENING_FENCE.exec(lines[i]!);
    if (!opening) {
      prose.push(lines[i]!);
      continue;
    }
    const indent = opening[1]!.length;
    const marker = opening[2]!;
    const info = opening[3]!.trim();
    const body: string[] = [];
    const start = i;
    prose.push('');
    for (i++; i < lines.length; i++) {
      const line = lines[i]!;
      prose.push('');
      const closing = line.trim();
      if (closing.length >= marker.length && closing === marker[0]!.repeat(closing.length)) break;
      body.push(line.slice(Math.min(indent, line.length - line.trimStart().length)));
    }
    const [lang = '', ...meta] = info.split(/\s+/).filter((word) => word !== '');
    fences.push({ lang, meta, info, code: `${body.join('\n')}\n`, line: start + 1 });
  }
  return { fences, prose: prose.join('\n') };
}

/** A link found in a page's prose. */
export interface Link {
  target: string;
  line: number;
}

/** Blanks each match out with spaces, keeping its newlines, so line numbers stay right. */
function blank(text: string, pattern: RegExp): string {
  return text.replace(pattern, (match) => match.replace(/[^\n]/g, ' '));
}

/**
 * Links of a page's prose: inline links and images (`[text](target)`), reference definitions
 * (`[name]: target`) and `href`/`src` attributes of HTML tags. Inline code is not prose.
 */
export function findLinks(prose: string): Link[] {
  const text = blank(prose, /(`+)[\s\S]*?\1/g);
  const links: Link[] = [];
  const lineOf = (index: number): number => text.slice(0, index).split('\n').length;
  const patterns = [
    /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
    /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm,
    /<(?:a|img)\s[^>]*?(?:href|src)="([^"]+)"/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      links.push({ target: match[1]!, line: lineOf(match.index) });
    }
  }
  return links.sort((a, b) => a.line - b.line);
}

/** The text a heading shows: inline code, links, emphasis and HTML reduced to their words. */
function headingText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/(\*+)([^*]+)\1/g, '$2')
    .replace(/(^|[^\p{L}\p{N}])_+([^_]+?)_+(?=[^\p{L}\p{N}]|$)/gu, '$1$2')
    .trim();
}

/** GitHub's anchor for a heading text (as github-slugger makes it, before de-duplication). */
export function slug(text: string): string {
  return headingText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/**
 * Every anchor a page offers: its headings' slugs (a repeated one gets `-1`, `-2`, ... as on
 * GitHub) and the `id`/`name` of its HTML elements.
 */
export function anchors(text: string): Set<string> {
  const { prose } = parsePage(text);
  const found = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose.split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]!);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      found.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const match of line.matchAll(/<[a-z]+\s[^>]*?(?:id|name)="([^"]+)"/gi)) {
      found.add(match[1]!);
    }
  }
  return found;
}
