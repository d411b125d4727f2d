/**
 * Which paths `AgileCRMClient.request()` may send credentials to: paths under `/dev/` that stay
 * there however the servers on the way read them.
 *
 * A path is judged as written and after each round of percent-decoding, because a proxy or
 * server may decode `%2F` and `%5C` into separators, strip `;parameters`, decode a second time
 * (`%252e` → `%2e` → `.`), decode IIS's `%u002e`, or fold fullwidth `．` into `.` (NFKC). Any
 * round that shows a `.` or `..` segment, a backslash, a `;`, an encoded `/` or a control
 * character refuses the path, as do bytes that are not UTF-8 (overlong `%c0%ae` is a dot to
 * some decoders).
 */

/** Rounds of decoding checked; no legitimate path is encoded this many times over. */
const MAX_DECODING_ROUNDS = 6;

/** Never in a path as written: controls, space, backslash, `;`, and query or fragment marks. */
// eslint-disable-next-line no-control-regex
const UNSAFE_AS_WRITTEN = /[\u0000-\u0020\u007f\\;?#]/;

/** Never after decoding: controls, backslash, `;`, or a `/` still encoded for the next round. */
const UNSAFE_DECODED = /[\p{Cc}\\;]|%2f/iu;

/** A segment of only dots and spaces with at least one dot: `.`, `..`, and `.. ` for servers that trim. */
const DOT_SEGMENT = /(^|\/)[.\s]*\.[.\s]*(\/|$)/;

/** Runs of `%XX` escapes, which decode together as UTF-8, and IIS's `%uXXXX`. */
const ESCAPES = /%u([0-9a-f]{4})|(?:%[0-9a-f]{2})+/gi;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * True when `path` starts with `/dev/` and no reading of it, as written or decoded any number of
 * times, leaves `/dev/` or hides a separator.
 */
export function isSafeApiPath(path: string): boolean {
  if (!path.startsWith('/dev/') || UNSAFE_AS_WRITTEN.test(path)) return false;
  let current = path;
  for (let round = 0; round <= MAX_DECODING_ROUNDS; round++) {
    if (!isSafeReading(current) || !isSafeReading(current.normalize('NFKC'))) return false;
    const next = decodeOnce(current);
    if (next === undefined) return false;
    if (next === current) return true;
    current = next;
  }
  return false;
}

function isSafeReading(path: string): boolean {
  return !UNSAFE_DECODED.test(path) && !DOT_SEGMENT.test(path);
}

/**
 * One round of percent-decoding as a lenient server does it: every well-formed escape is
 * decoded, a `%` that starts none is kept. `undefined` when the decoded bytes are not UTF-8.
 */
function decodeOnce(path: string): string | undefined {
  try {
    return path.replace(ESCAPES, (escapes: string, unicode: string | undefined) =>
      unicode === undefined
        ? utf8.decode(Buffer.from(escapes.replace(/%/g, ''), 'hex'))
        : String.fromCharCode(parseInt(unicode, 16)),
    );
  } catch {
    return undefined;
  }
}
