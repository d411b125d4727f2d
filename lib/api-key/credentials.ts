/**
 * API-key credentials: what a user enters to log in (account, login email, REST API key), and
 * the HTTP Basic header Agile CRM's REST API takes them in, with the login email as username and
 * the REST API key as password (Agile CRM's documented authentication).
 */

/** What the user entered, after validation: the account, their login email and REST API key. */
export interface ApiKeyCredentials {
  /** The Agile CRM account, lowercased (the `acme` of `acme.agilecrm.com`). */
  domain: string;
  email: string;
  apiKey: string;
}

/** Characters that must never reach an HTTP header (CR, LF and the other controls). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Longest email accepted (RFC 5321 path limit). */
const MAX_EMAIL_LENGTH = 254;
/** Longest API key accepted; Agile CRM's keys are a few dozen characters. */
const MAX_API_KEY_LENGTH = 512;

/**
 * True when `email` can be a Basic username: it has an `@`, no `:` (which would end the username
 * inside the header), no control characters, and a sane length.
 */
export function isUsableEmail(email: string): boolean {
  return (
    email.length <= MAX_EMAIL_LENGTH && /^[^@\s:]+@[^@\s:]+$/.test(email) && !CONTROL.test(email)
  );
}

/** True when `apiKey` is non-empty, bounded and free of control characters. */
export function isUsableApiKey(apiKey: string): boolean {
  return apiKey !== '' && apiKey.length <= MAX_API_KEY_LENGTH && !CONTROL.test(apiKey);
}

/**
 * The `Authorization` header value for `email` and `apiKey` (UTF-8, base64, RFC 7617).
 *
 * @example
 * basicAuthorization('dana@example.com', 'key'); // 'Basic ZGFuYUBleGFtcGxlLmNvbTprZXk='
 */
export function basicAuthorization(email: string, apiKey: string): string {
  return `Basic ${Buffer.from(`${email}:${apiKey}`, 'utf8').toString('base64')}`;
}
