/**
 * JSON parsing that keeps Agile CRM's 64-bit ids exact.
 *
 * Agile CRM sends ids as bare JSON numbers above 2^53, which `JSON.parse` rounds
 * (6263975862861824123 becomes 6263975862861824000). Before parsing, integers too large for a
 * double are wrapped in quotes so they arrive as strings with their exact digits. Node 20 has no
 * `JSON.parse` source-text access, so this is a single linear scan that skips string literals.
 */

/** A run of 16 or more digits: the only thing that can be an unsafe integer. */
const LONG_DIGIT_RUN = /\d{16}/;

/** Parses `text`; integers beyond `Number.MAX_SAFE_INTEGER` become decimal strings. */
export function parseJSONExact(text: string): unknown {
  // Fast path: most bodies hold no number long enough to lose precision.
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text);
  return JSON.parse(quoteUnsafeIntegers(text));
}

function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      i = endOfString(text, i);
    } else if (ch === 0x2d /* - */ || isDigit(ch)) {
      const start = i;
      i++;
      while (i < text.length && isNumberChar(text.charCodeAt(i))) i++;
      const token = text.slice(start, i);
      if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += text.slice(copiedUpTo, start) + '"' + token + '"';
        copiedUpTo = i;
      }
    } else {
      i++;
    }
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/** Index just past the string literal that opens at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c /* \ */) i += 2;
    else if (ch === 0x22) return i + 1;
    else i++;
  }
  return i;
}

function isDigit(ch: number): boolean {
  return ch >= 0x30 && ch <= 0x39;
}

function isNumberChar(ch: number): boolean {
  // digits, '.', 'e', 'E', '+', '-'
  return isDigit(ch) || ch === 0x2e || ch === 0x65 || ch === 0x45 || ch === 0x2b || ch === 0x2d;
}

/** Narrows parsed JSON to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
