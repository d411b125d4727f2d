/**
 * What a login ends with when Agile CRM's callback carries `?error=` instead of a code (RFC 6749
 * section 4.1.2.1). Anyone can send a browser to such a link, with any `error_description` or
 * `error_uri`, so those words reach the user (`failureMessage`) or the app's logs only when the
 * callback's `state` named a login this session had started; otherwise the message is fixed.
 */
import { AuthorizationError } from 'passport-oauth2';
import { displayText } from '../http/safe-text';

/** Longest description shown, in characters. */
const MAX_DESCRIPTION_LENGTH = 200;
/** Longest error code kept, `…` included; RFC 6749's own are at most 25 characters. */
const MAX_CODE_LENGTH = 64;
const MAX_URI_LENGTH = 500;
const DENIED = 'Access to Agile CRM was denied.';
/** The codes RFC 6749 defines for this response: the only ones named in a fixed message. */
const KNOWN_CODES: ReadonlySet<string> = new Set([
  'invalid_request',
  'unauthorized_client',
  'access_denied',
  'unsupported_response_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
]);

/** A failed login (`access_denied`), or an error for every other code. */
type Denial = { fail: { message: string }; status: number } | { error: AuthorizationError };

/**
 * The outcome of an error callback. `pending` is true when its state named a pending login of
 * this session (the store's `take` returned one).
 */
export function authorizationDenial(
  error: string,
  query: Record<string, unknown>,
  pending: boolean,
): Denial {
  const description = pending ? shown(query['error_description'], MAX_DESCRIPTION_LENGTH) : '';
  if (error === 'access_denied') {
    return { fail: { message: description || DENIED }, status: 403 };
  }
  const code = displayText(error, MAX_CODE_LENGTH - 1);
  const named = pending || KNOWN_CODES.has(error);
  // passport-oauth2's AuthorizationError keeps an undefined message as is; say what failed.
  const message =
    description ||
    (named ? `Agile CRM refused the login: ${code}` : 'Agile CRM refused the login.');
  const uri = pending ? shown(query['error_uri'], MAX_URI_LENGTH) : '';
  return { error: new AuthorizationError(message, code, uri || undefined) };
}

/** A query value fit to show, or `''` when there is none. */
function shown(value: unknown, maxLength: number): string {
  return typeof value === 'string' ? displayText(value, maxLength) : '';
}
