/**
 * Text from outside (a server's error description, a callback's query) made safe to quote in an
 * error message or a failure shown to a user:
 *
 * - printable: no control characters (CR and LF would forge log lines) and no bidirectional
 *   overrides (which reorder what a reader sees);
 * - bounded in length;
 * - without the secrets this package sent. Servers echo what they were given ("invalid refresh
 *   token abc…"), often in the form it travelled in: percent-encoded from a form body, or the
 *   whole `Authorization` header. That text is quoted in error messages and kept as `cause`, so
 *   every form a secret is sent in is cut out, not only the secret as written.
 */
import { escape } from 'node:querystring';

/** Longest piece of Agile CRM's own error text copied into a message. */
const MAX_QUOTED_LENGTH = 300;

// C0 and C1 controls, DEL, and the Unicode bidirectional marks, embeddings and isolates.
const UNPRINTABLE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;

const REDACTED = '[redacted]';

/**
 * Replacing one secret can join the text around it into another one (`ab` + `[redacted]` +
 * `]cd`); the replacement runs again until nothing is left, a few passes at most.
 */
const MAX_PASSES = 4;

/**
 * Text a server sent, fit to quote in an error message: printable, without any sent form of
 * `secrets`, and at most {@link MAX_QUOTED_LENGTH} characters. Redaction runs before control
 * characters are removed and the text trimmed, which would leave a secret starting or ending
 * with a space unmatched, and again after, since removing them can join the pieces of a secret
 * back together.
 */
export function quoteServerText(text: string, secrets: readonly (string | undefined)[]): string {
  return truncate(redact(printable(redact(text, secrets)), secrets), MAX_QUOTED_LENGTH);
}

/** {@link printable} and {@link truncate} together. */
export function displayText(text: string, maxLength: number): string {
  return truncate(printable(text), maxLength);
}

/** `text` with each run of unprintable characters replaced by a space, and trimmed. */
function printable(text: string): string {
  return text.replace(UNPRINTABLE, ' ').trim();
}

/** `text` cut to `maxLength` characters (with `…`) without splitting a surrogate pair. */
function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${Array.from(text).slice(0, maxLength).join('')}…`;
}

/**
 * Every form `secret` may be sent in: as written, percent-encoded as `encodeURIComponent` and
 * `querystring` write it, and form-encoded as `URLSearchParams` writes it (a space as `+`).
 */
function sentForms(secret: string): string[] {
  const forms = [secret];
  try {
    const percent = encodeURIComponent(secret);
    forms.push(
      percent,
      percent.replace(/%20/g, '+'),
      escape(secret),
      new URLSearchParams([['', secret]]).toString().slice(1),
    );
  } catch {
    // A lone surrogate cannot be percent-encoded, so it was only ever sent as written.
  }
  return forms;
}

/**
 * The base64 `user:password` of a Basic credential in each way it is built: from the values as
 * written (Agile CRM's REST API), and from their form-encoded forms (RFC 6749 section 2.3.1).
 */
export function basicCredentialForms(user: string, password: string): string[] {
  const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  const forms = [base64(`${user}:${password}`)];
  try {
    forms.push(base64(`${encodeURIComponent(user)}:${encodeURIComponent(password)}`));
    const form = (text: string): string => new URLSearchParams([['', text]]).toString().slice(1);
    forms.push(base64(`${form(user)}:${form(password)}`));
  } catch {
    // As above: only the form as written exists.
  }
  return forms;
}

/** `text` with every sent form of each non-empty secret replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  const pattern = secretPattern(secrets);
  return pattern === undefined ? text : redactWith(text, pattern);
}

/** A copy of parsed JSON with {@link redact} applied to every string, keys included. */
export function redactJSON(value: unknown, secrets: readonly (string | undefined)[]): unknown {
  const pattern = secretPattern(secrets);
  return pattern === undefined ? value : redactValue(value, pattern);
}

/** The secrets inside an `Authorization` header: a Bearer token, or a Basic header's API key. */
export function authorizationSecrets(authorization: string): string[] {
  const [scheme = '', value = ''] = authorization.split(' ', 2);
  if (scheme.toLowerCase() !== 'basic') return [value];
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return [value, decoded];
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return [value, password, ...basicCredentialForms(user, password)];
}

function redactValue(value: unknown, pattern: RegExp): unknown {
  if (typeof value === 'string') return redactWith(value, pattern);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, pattern));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        redactWith(key, pattern),
        redactValue(item, pattern),
      ]),
    );
  }
  return value;
}

function redactWith(text: string, pattern: RegExp): string {
  let out = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = out.replace(pattern, REDACTED);
    if (next === out) break;
    out = next;
  }
  return out;
}

/**
 * One pattern matching every sent form of every secret, longest first so that a secret which
 * contains another is replaced whole. Percent escapes match in either case (`%2F`, `%2f`).
 */
function secretPattern(secrets: readonly (string | undefined)[]): RegExp | undefined {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret) for (const form of sentForms(secret)) forms.add(form);
  }
  if (forms.size === 0) return undefined;
  const sources = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((form) => escapeRegExp(form).replace(/%([0-9A-F])([0-9A-F])/gi, anyCaseEscape));
  return new RegExp(sources.join('|'), 'g');
}

function anyCaseEscape(_escape: string, high: string, low: string): string {
  return `%${anyCase(high)}${anyCase(low)}`;
}

function anyCase(hexDigit: string): string {
  const upper = hexDigit.toUpperCase();
  const lower = hexDigit.toLowerCase();
  return upper === lower ? upper : `[${upper}${lower}]`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
