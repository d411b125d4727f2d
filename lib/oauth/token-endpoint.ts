/**
 * Requests to the OAuth token and revocation endpoints (RFC 6749 section 4.1.3 and 6, RFC 7009).
 */
import { escape, stringify } from 'node:querystring';
import { TokenError } from 'passport-oauth2';
import { AgileCRMResponseError } from '../http/errors';
import { isRecord, parseJSONExact } from '../http/json';
import { apiError, isSuccess } from '../http/response';
import { basicCredentialForms, quoteServerText } from '../http/safe-text';
import { send, type HttpRequest, type RequestSettings } from '../http/transport';

const TOKEN_CHARS = /^[\x21-\x7e]+$/;

/** How the client proves its identity to the token endpoint. */
export type ClientAuthentication = 'client_secret_post' | 'client_secret_basic';

/** Tokens from a successful token response. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** When the access token expires, in epoch milliseconds, computed from `expires_in`. */
  expiresAt?: number;
  tokenType?: string;
  /** The whole token response as parsed. */
  params: Record<string, unknown>;
}

/** The app's OAuth client credentials (RFC 6749 section 2.3), and how it sends them. */
export interface AppCredentials {
  clientID: string;
  clientSecret: string;
  clientAuthentication: ClientAuthentication;
}

/**
 * POSTs `params` to `tokenURL` and returns the tokens. OAuth error bodies (also with HTTP 200)
 * and 200 answers without `access_token` reject with passport-oauth2's `TokenError`.
 */
export async function requestToken(
  tokenURL: string,
  params: Record<string, string>,
  credentials: AppCredentials,
  settings: RequestSettings,
): Promise<TokenSet> {
  const response = await send(formPost(tokenURL, params, credentials, settings, 'token request'));
  let body: unknown;
  try {
    body = parseJSONExact(response.body);
  } catch {
    if (!isSuccess(response.status)) {
      throw apiError(response, 'token request', sentSecrets(params, credentials));
    }
    throw new AgileCRMResponseError(
      `Agile CRM token request returned a body that is not JSON (HTTP ${response.status})`,
      response.status,
    );
  }
  if (isRecord(body) && typeof body['error'] === 'string') {
    throw oauthError(body, response.status, sentSecrets(params, credentials));
  }
  if (!isSuccess(response.status)) {
    throw apiError(response, 'token request', sentSecrets(params, credentials));
  }
  if (!isRecord(body) || typeof body['access_token'] !== 'string' || body['access_token'] === '') {
    throw new TokenError(
      'Agile CRM token response did not include an access_token',
      'server_error',
    );
  }
  for (const name of ['access_token', 'refresh_token']) {
    const token = body[name];
    if (typeof token === 'string' && token !== '' && !isUsableToken(token)) {
      throw new AgileCRMResponseError(
        `Agile CRM token response has an ${name} that is not visible ASCII (RFC 6750)`,
        response.status,
      );
    }
  }
  return toTokenSet(body, body['access_token']);
}

/**
 * True when `token` can go into an `Authorization: Bearer` header as it is: one or more visible
 * ASCII characters (RFC 6750's b64token and RFC 6749's token syntax, without the space). CR, LF
 * and other controls would split the header; a space or non-ASCII would garble it.
 */
export function isUsableToken(token: string): boolean {
  return TOKEN_CHARS.test(token);
}

/** Revokes `token` at an RFC 7009 endpoint. */
export async function revokeToken(
  revokeURL: string,
  params: Record<string, string>,
  credentials: AppCredentials,
  settings: RequestSettings,
): Promise<void> {
  const response = await send(
    formPost(revokeURL, params, credentials, settings, 'token revocation'),
  );
  if (!isSuccess(response.status)) {
    throw apiError(response, 'token revocation', sentSecrets(params, credentials));
  }
}

/**
 * An OAuth error body (RFC 6749 section 5.2) as passport-oauth2's `TokenError`. Its description,
 * code and uri are the server's words, so each is quoted without the secrets the request sent.
 */
function oauthError(body: Record<string, unknown>, status: number, secrets: string[]): TokenError {
  const code = quoteServerText(String(body['error']), secrets);
  const description = stringOr(body['error_description'], undefined);
  const uri = stringOr(body['error_uri'], undefined);
  return new TokenError(
    description === undefined
      ? `Agile CRM token request failed: ${code}`
      : quoteServerText(description, secrets),
    code,
    uri === undefined ? undefined : quoteServerText(uri, secrets),
    isSuccess(status) ? 500 : status,
  );
}

/**
 * What a request to the token or revocation endpoint sent that must never be repeated: the
 * client secret (also inside the Basic credential), the code and its PKCE verifier, and tokens.
 */
function sentSecrets(params: Record<string, string>, credentials: AppCredentials): string[] {
  return [
    credentials.clientSecret,
    ...basicCredentialForms(credentials.clientID, credentials.clientSecret),
    params['code'],
    params['code_verifier'],
    params['refresh_token'],
    params['token'],
  ].filter((value): value is string => value !== undefined);
}

function formPost(
  url: string,
  params: Record<string, string>,
  credentials: AppCredentials,
  settings: RequestSettings,
  label: string,
): HttpRequest {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  let body: string;
  if (credentials.clientAuthentication === 'client_secret_basic') {
    // RFC 6749 section 2.3.1: form-encode each part before joining them with ':'.
    const user = encodeURIComponent(credentials.clientID);
    const pass = encodeURIComponent(credentials.clientSecret);
    headers['authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    body = stringify(params);
  } else {
    body = formWithCredentials(params, credentials);
  }
  return { method: 'POST', url, headers, body, label, ...settings };
}

/**
 * `params` and the client credentials as one form, encoded with querystring (a space as %20
 * rather than +, as passport-oauth2 writes it). This runs on every login, so the credentials are
 * appended to the encoded form rather than spread into a copy of `params` first.
 */
function formWithCredentials(params: Record<string, string>, credentials: AppCredentials): string {
  const { clientID, clientSecret } = credentials;
  // Parameters from a subclass's tokenParams may name the credentials; the app's own win.
  if ('client_id' in params || 'client_secret' in params) {
    return stringify({ ...params, client_id: clientID, client_secret: clientSecret });
  }
  const encoded = `client_id=${escape(clientID)}&client_secret=${escape(clientSecret)}`;
  const form = stringify(params);
  return form === '' ? encoded : `${form}&${encoded}`;
}

function toTokenSet(body: Record<string, unknown>, accessToken: string): TokenSet {
  const set: TokenSet = { accessToken, params: body };
  if (typeof body['refresh_token'] === 'string' && body['refresh_token'] !== '') {
    set.refreshToken = body['refresh_token'];
  }
  const expiresIn = Number(body['expires_in']);
  if (body['expires_in'] !== undefined && Number.isFinite(expiresIn) && expiresIn >= 0) {
    set.expiresAt = Date.now() + expiresIn * 1000;
  }
  if (typeof body['token_type'] === 'string') set.tokenType = body['token_type'];
  return set;
}

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
