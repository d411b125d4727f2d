/**
 * JSON parsing that keeps Agile CRM's 64-bit ids exact.
 *
 * Agile CRM sends ids as bare JSON numbers above 2^53, which `JSON.parse` rounds
 * (6263975862861824123 becomes 6263975862861824000). Before parsing, integers too large for a
 * double are wrapped in quotes so they arrive as strings with their exact digits. Node 20 has no
 * `JSON.parse` source-text access, so a scan finds the long digit runs and skips those inside
 * string literals.
 */

/** Runs of 16 or more digits: the only text that can be an unsafe integer. */
const LONG_DIGIT_RUN = /\d{16,}/g;

/** Parses `text`; integers beyond `Number.MAX_SAFE_INTEGER` become decimal strings. */
export function parseJSONExact(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

/**
 * `text` with every integer literal beyond `Number.MAX_SAFE_INTEGER` (outside string literals)
 * wrapped in quotes. Every response body passes through here, so the text is never walked
 * character by character: the regular expression finds the few long digit runs and `indexOf`
 * hops from quote to quote.
 */
function quoteUnsafeIntegers(text: string): string {
  LONG_DIGIT_RUN.lastIndex = 0;
  let out = '';
  let copiedUpTo = 0;
  // Every position before `outside` has been classified; `outside` itself is not in a string.
  let outside = 0;
  for (let run = LONG_DIGIT_RUN.exec(text); run !== null; run = LONG_DIGIT_RUN.exec(text)) {
    let start = run.index;
    const end = start + run[0].length;
    // Skip the string literals that open before this run; stop at one that contains it.
    let inString = false;
    for (let open = text.indexOf('"', outside); open !== -1 && open < start;) {
      const close = closingQuote(text, open);
      if (close > start) {
        inString = true;
        outside = close + 1;
        break;
      }
      outside = close + 1;
      open = text.indexOf('"', outside);
    }
    if (inString) {
      LONG_DIGIT_RUN.lastIndex = outside;
      continue;
    }
    outside = end;
    if (text.charCodeAt(start - 1) === 0x2d /* - */) start--;
    // Part of a longer number (a fraction or exponent) rather than a whole integer.
    if (isNumberChar(text.charCodeAt(start - 1)) || isNumberChar(text.charCodeAt(end))) continue;
    const token = text.slice(start, end);
    if (Number.isSafeInteger(Number(token))) continue;
    out += `${text.slice(copiedUpTo, start)}"${token}"`;
    copiedUpTo = end;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/**
 * Index of the quote that closes the string literal opening at `open`, or `text.length` when
 * it never closes (JSON.parse then reports the error).
 */
function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return text.length;
}

function isNumberChar(ch: number): boolean {
  // digits, '.', 'e', 'E', '+', '-'
  return (
    (ch >= 0x30 && ch <= 0x39) ||
    ch === 0x2e ||
    ch === 0x65 ||
    ch === 0x45 ||
    ch === 0x2b ||
    ch === 0x2d
  );
}

/** Narrows parsed JSON to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
