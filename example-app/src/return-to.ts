/**
 * `returnTo`: where to send the user after login. Only a path on this app is accepted, so the
 * login can never be turned into an open redirect.
 */

/** Where users land after login when no (acceptable) `returnTo` was given. */
export const DEFAULT_RETURN_TO = '/profile';

const MAX_LENGTH = 2000;
const PROBE_ORIGIN = 'http://app.invalid';

/**
 * Returns `value` when it is a same-origin path such as `/profile?cursor=x`, else `undefined`.
 * Refuses absolute URLs, scheme-relative `//host`, backslashes (`/\host`, which browsers treat
 * as `//host`), control characters (browsers drop tabs and newlines, turning `/\t/host` into
 * `//host`), and the login and logout routes themselves (which would loop).
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  if (value.startsWith('//')) return undefined;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return undefined;
  }
  if (url.origin !== PROBE_ORIGIN) return undefined;
  if (url.pathname.startsWith('/auth/') || url.pathname === '/logout') return undefined;
  return url.pathname + url.search + url.hash;
}
