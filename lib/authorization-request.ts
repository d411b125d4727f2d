/**
 * The authorization request (RFC 6749 section 4.1.1) that sends the browser to Agile CRM, with
 * its PKCE challenge (RFC 7636).
 */
import { createHash } from 'node:crypto';
import { stringify, type ParsedUrlQueryInput } from 'node:querystring';
import { randomToken } from './random';

/** Query parameters of an authorization request. */
export type AuthorizationParams = ParsedUrlQueryInput;

/** A PKCE code verifier: 32 random bytes, 43 base64url characters (RFC 7636 section 4.1). */
export function newCodeVerifier(): string {
  return randomToken(32);
}

/** The S256 code challenge of `verifier` (RFC 7636 section 4.2). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * `authorizationURL` with `params` added to its query, encoded as passport-oauth2 encodes them
 * (`querystring`), but by appending rather than parsing and formatting the whole URL again.
 * Endpoint URLs never carry a fragment (checked at construction), so appending is safe.
 */
export function authorizationRedirect(
  authorizationURL: string,
  params: AuthorizationParams,
): string {
  const separator = authorizationURL.includes('?') ? '&' : '?';
  return authorizationURL + separator + stringify(params);
}
