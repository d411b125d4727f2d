/**
 * Removes secrets this package sent from text it received. Servers echo what they were given
 * ("invalid refresh token abc…"), and that text is quoted in error messages and kept as `cause`.
 */

const REDACTED = '[redacted]';

/** `text` with every occurrence of each non-empty secret replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** A copy of parsed JSON with {@link redact} applied to every string, keys included. */
export function redactJSON(value: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactJSON(item, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redact(key, secrets), redactJSON(item, secrets)]),
    );
  }
  return value;
}

/** The secrets inside an `Authorization` header: a Bearer token, or a Basic header's API key. */
export function authorizationSecrets(authorization: string): string[] {
  const [scheme = '', value = ''] = authorization.split(' ', 2);
  if (scheme.toLowerCase() !== 'basic') return [value];
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return [value, colon === -1 ? decoded : decoded.slice(colon + 1)];
}
