/**
 * Generated request parameters: how they are written into a query string or form, and what an
 * Express query parser makes of them, so a test can predict what the strategy receives.
 */

/** How a parameter appears: `k=v`, `k=v1&k=v2`, `k[]=v` or `k[x]=v`. */
export type ParamForm = 'plain' | 'repeat' | 'bracket' | 'object';

/** One generated parameter after its symbolic values were resolved to text. */
export interface ResolvedParam {
  key: string;
  form: ParamForm;
  /** Decoded values (one, or two for `repeat`). */
  values: string[];
  /** Already-encoded text written as is (malformed percent escapes); overrides `values`. */
  raw?: string;
}

/** What a parser hands the app for one key. */
export type Parsed = { kind: 'string'; value: string } | { kind: 'other' } | undefined;

/** Percent-encodes every byte outside the unreserved set, so any text round-trips exactly. */
export function pct(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The text a server decodes from `text` after UTF-8 encoding (lone surrogates become U+FFFD). */
export function decoded(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Writes params as `a=b&c=d`. */
export function encodeParams(params: ResolvedParam[]): string {
  const parts: string[] = [];
  for (const p of params) {
    const key = pct(p.key);
    const value = (v: string): string => p.raw ?? pct(v);
    switch (p.form) {
      case 'plain':
        parts.push(`${key}=${value(p.values[0] ?? '')}`);
        break;
      case 'repeat':
        for (const v of p.values) parts.push(`${key}=${value(v)}`);
        break;
      case 'bracket':
        parts.push(`${key}${pct('[]')}=${value(p.values[0] ?? '')}`);
        break;
      case 'object':
        parts.push(`${key}${pct('[x]')}=${value(p.values[0] ?? '')}`);
        break;
    }
  }
  return parts.join('&');
}

/**
 * What Express's `simple` (node:querystring) or `extended` (qs) parser yields for `key`. Only
 * the distinction the strategy cares about is kept: one string, something else, or absent.
 * Raw (malformed) values decode to some non-empty text, reported as `'\u0000raw'`.
 */
export function parsedValue(
  params: ResolvedParam[],
  key: string,
  parser: 'simple' | 'extended',
): Parsed {
  let result: Parsed;
  for (const p of params) {
    if (p.key !== key) continue;
    const bracketed = p.form === 'bracket' || p.form === 'object';
    // node:querystring keeps `code[]` as its own key; qs turns it into an array or object.
    if (bracketed && parser === 'simple') continue;
    const count = p.form === 'repeat' ? p.values.length : 1;
    if (result !== undefined || bracketed || count > 1) {
      result = { kind: 'other' };
      continue;
    }
    result = { kind: 'string', value: p.raw === undefined ? (p.values[0] ?? '') : '\u0000raw' };
  }
  return result;
}

/** The strategy's cap on an authorization code's length. */
const MAX_CODE_LENGTH = 4096;

/** Whether the strategy takes `code` as parsed to a code it may exchange: one non-empty string, not over the cap. */
export function isWellFormedCode(code: Parsed): code is { kind: 'string'; value: string } {
  return code?.kind === 'string' && code.value !== '' && code.value.length <= MAX_CODE_LENGTH;
}

/** Longest query string a fuzzed request carries; Node refuses request heads over 16 KiB. */
const MAX_QUERY_LENGTH = 12_000;

/**
 * Halves the values longest once encoded until the query string fits well within Node's 16 KiB limit on a
 * request head: beyond it Node's HTTP server answers (or drops) the request before the app runs,
 * which tests Node rather than the strategy. Changes `params` in place and returns it.
 */
export function fitURL(params: ResolvedParam[]): ResolvedParam[] {
  while (encodeParams(params).length > MAX_QUERY_LENGTH) {
    const longest = params
      .filter((p) => p.raw === undefined)
      .flatMap((p) => p.values.map((v, i) => ({ p, i, length: pct(v).length })))
      .sort((a, b) => b.length - a.length)[0];
    if (longest === undefined) break;
    const value = longest.p.values[longest.i]!;
    // Cut between code points so the value stays valid UTF-16.
    longest.p.values[longest.i] = decoded(value.slice(0, Math.floor(value.length / 2)));
  }
  return params;
}
