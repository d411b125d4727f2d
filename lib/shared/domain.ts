/**
 * Rules for Agile CRM account names ("domains").
 *
 * An account lives at `https://{domain}.agilecrm.com`, so the domain is spliced into URLs that
 * receive authorization codes, client secrets and API keys. It must therefore be exactly one DNS
 * label: anything else (`evil.com/x`, `a.b`, `acme.agilecrm.com`) could redirect those secrets.
 */

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Returns the lowercased account name when `value` is one valid DNS label, otherwise `undefined`.
 *
 * @example
 * normalizeDomain('Acme'); // 'acme'
 * normalizeDomain('acme.agilecrm.com'); // undefined
 */
export function normalizeDomain(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return DNS_LABEL.test(lower) ? lower : undefined;
}

/**
 * Like {@link normalizeDomain} but throws a `TypeError` naming `what` for invalid input.
 * Used where a bad value is a programming error (constructor options).
 */
export function requireDomain(value: unknown, what: string): string {
  const domain = normalizeDomain(value);
  if (domain === undefined) {
    throw new TypeError(
      `${what} must be an Agile CRM account name such as "acme" (one DNS label: letters, digits and inner hyphens, at most 63 characters)`,
    );
  }
  return domain;
}
