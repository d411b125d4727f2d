/**
 * The authorization request (RFC 6749 section 4.1.1) that sends the browser to Agile CRM, with
 * its PKCE challenge (RFC 7636).
 */
import { createHash } from 'node:crypto';
import { stringify, type ParsedUrlQueryInput } from 'node:querystring';
import { randomToken } from '../shared/random';

/** Query parameters of an authorization request. */
type AuthorizationParams = ParsedUrlQueryInput;

/** A PKCE code verifier: 32 random bytes, 43 base64url characters (RFC 7636 section 4.1). */
export function newCodeVerifier(): string {
  return randomToken(32);
}

/** The S256 code challenge of `verifier` (RFC 7636 section 4.2). */
function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** What the flow itself puts in an authorization request, besides state and client id. */
interface AuthorizationSettings {
  /** The absolute `redirect_uri`, when a callbackURL is configured. */
  callbackURL: string | undefined;
  scope: string | string[] | undefined;
  scopeSeparator: string;
  /** The PKCE verifier whose challenge is sent, when PKCE is on. */
  codeVerifier: string | undefined;
}

/**
 * The query of an authorization request: a subclass's `authorizationParams()` first, then the
 * flow's own parameters, which win over them.
 */
export function authorizationQuery(
  extra: object,
  settings: AuthorizationSettings,
): AuthorizationParams {
  const params: AuthorizationParams = { ...(extra as AuthorizationParams), response_type: 'code' };
  if (settings.callbackURL !== undefined) params['redirect_uri'] = settings.callbackURL;
  const { scope } = settings;
  if (scope !== undefined && scope !== '') {
    params['scope'] = Array.isArray(scope) ? scope.join(settings.scopeSeparator) : scope;
  }
  if (settings.codeVerifier !== undefined) {
    params['code_challenge'] = codeChallenge(settings.codeVerifier);
    params['code_challenge_method'] = 'S256';
  }
  return params;
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
