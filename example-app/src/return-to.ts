/**
 * `returnTo`: where to send the user after login. Only a path on this app is accepted, so the
 * login can never be turned into an open redirect, nor into a new login or a logout.
 */

/** Where users land after login when no (acceptable) `returnTo` was given. */
export const DEFAULT_RETURN_TO = '/profile';

const MAX_LENGTH = 2000;
const PROBE_ORIGIN = 'http://app.invalid';
/** Routes a post-login redirect must not reach: it would start another login or log out. */
const EXCLUDED_ROUTES = ['/auth', '/logout'];
/** `%2561` is `%61` is `a`: a few rounds of decoding reach any spelling a proxy might decode. */
const MAX_DECODING_ROUNDS = 4;

/**
 * Returns `value` when it is a same-origin path such as `/profile?cursor=x`, normalized (dot
 * segments removed), else `undefined`. Refuses absolute URLs, anything that normalizes to a
 * scheme-relative `//host` (`/a/..//host`, `/%2e//host`), backslashes (`/\host`, which browsers
 * treat as `//host`), control characters (browsers drop tabs and newlines, turning `/\t/host`
 * into `//host`), and the login and logout routes in any letter case or percent-encoding
 * (Express matches routes case-insensitively).
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return undefined;
  }
  if (url.origin !== PROBE_ORIGIN) return undefined;
  // The parser removes dot segments after any check on the raw text: check what it produced.
  const kept = url.pathname + url.search + url.hash;
  if (!isPathOnThisOrigin(kept) || reachesExcludedRoute(url.pathname)) return undefined;
  return kept;
}

function isPathOnThisOrigin(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return false;
  try {
    return new URL(path, PROBE_ORIGIN).origin === PROBE_ORIGIN;
  } catch {
    return false;
  }
}

/**
 * Whether `pathname`, fully percent-decoded, with dot segments removed and repeated slashes
 * collapsed, compared in lower case, is a login or logout route. Anything that cannot be
 * decoded counts as one: refusing an odd `returnTo` only costs the default landing page.
 */
function reachesExcludedRoute(pathname: string): boolean {
  let path = pathname;
  for (let round = 0; ; round++) {
    let next: string;
    try {
      next = decodeURIComponent(path);
    } catch {
      return true;
    }
    if (next === path) break;
    if (round === MAX_DECODING_ROUNDS) return true;
    path = next;
  }
  // Appended to the origin, the decoded text is read as a path even when it starts with `//`.
  let normalized: string;
  try {
    normalized = new URL(PROBE_ORIGIN + path).pathname;
  } catch {
    return true;
  }
  normalized = normalized.replace(/\/{2,}/g, '/').toLowerCase();
  return EXCLUDED_ROUTES.some(
    (route) => normalized === route || normalized.startsWith(`${route}/`),
  );
}
