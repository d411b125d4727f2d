/**
 * The authorization request: checks done before anything redirects, and the redirect that
 * carries the user's decision. Shared by the consent page and `approve()`.
 */
import type { AuthorizationRequest, AuthorizationStore } from './store';
import type { EmulatorAccount, EmulatorClient } from './types';

/** Outcome of checking an authorization request. */
export type CheckedAuthorization =
  { ok: true; request: AuthorizationRequest } | { ok: false; reason: string };

const PARAMETERS = [
  'client_id',
  'response_type',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'login_hint',
] as const;
const MAX_PARAMETER_LENGTH = 4096;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** RFC 7636 section 4.2: 43 to 128 unreserved characters. */
const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * Checks client, redirect URI, response type and PKCE parameters. A failure must be shown to the
 * user, never redirected: the redirect URI may be the attacker's. The user is the one named by
 * `login_hint` (an email), else the account's first user.
 */
export function checkAuthorization(
  query: URLSearchParams,
  account: EmulatorAccount,
  clients: ReadonlyMap<string, EmulatorClient>,
): CheckedAuthorization {
  for (const name of PARAMETERS) {
    if (query.getAll(name).length > 1)
      return fail(`The ${name} parameter is given more than once.`);
    if ((query.get(name) ?? '').length > MAX_PARAMETER_LENGTH)
      return fail(`The ${name} parameter is too long.`);
  }
  const clientID = query.get('client_id');
  const client = clientID === null ? undefined : clients.get(clientID);
  if (clientID === null || clientID === '') return fail('The client_id parameter is missing.');
  if (client === undefined) return fail('No application is registered with this client_id.');
  const redirectURI = query.get('redirect_uri') ?? soleRedirectURI(client);
  if (redirectURI === undefined) return fail('The redirect_uri parameter is missing.');
  const redirectProblem = checkRedirectURI(redirectURI, client);
  if (redirectProblem !== undefined) return fail(redirectProblem);
  if (query.get('response_type') !== 'code') return fail('The response_type must be "code".');
  const codeChallenge = query.get('code_challenge') ?? undefined;
  const method =
    query.get('code_challenge_method') ?? (codeChallenge === undefined ? undefined : 'plain');
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return fail('The code_challenge_method must be "S256" or "plain".');
  }
  if (method !== undefined && (codeChallenge === undefined || !PKCE_VALUE.test(codeChallenge))) {
    return fail('The code_challenge is missing or malformed.');
  }
  const hint = query.get('login_hint');
  const user =
    hint === null
      ? account.users[0]
      : account.users.find((candidate) => candidate.email.toLowerCase() === hint.toLowerCase());
  if (user === undefined) return fail('The login_hint names no user of this account.');
  return {
    ok: true,
    request: {
      domain: account.domain,
      clientID: client.clientID,
      redirectURI,
      userID: user.id,
      scope: query.get('scope') ?? '',
      state: query.get('state') ?? undefined,
      codeChallenge,
      codeChallengeMethod: method,
    },
  };
}

/** The redirect `Location` carrying the decision: a fresh code, or `error=access_denied`. */
export function decisionLocation(
  request: AuthorizationRequest,
  approved: boolean,
  store: AuthorizationStore,
): string {
  const location = new URL(request.redirectURI);
  if (approved) location.searchParams.append('code', store.issueCode(request));
  else location.searchParams.append('error', 'access_denied');
  if (request.state !== undefined) location.searchParams.append('state', request.state);
  return location.href;
}

function soleRedirectURI(client: EmulatorClient): string | undefined {
  return client.redirectURIs?.length === 1 ? client.redirectURIs[0] : undefined;
}

function checkRedirectURI(redirectURI: string, client: EmulatorClient): string | undefined {
  if (client.redirectURIs !== undefined) {
    return client.redirectURIs.includes(redirectURI)
      ? undefined
      : 'The redirect_uri is not registered for this application.';
  }
  let url: URL;
  try {
    url = new URL(redirectURI);
  } catch {
    return 'The redirect_uri is not an absolute URL.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'The redirect_uri must be http or https.';
  if (url.hash !== '' || redirectURI.includes('#'))
    return 'The redirect_uri must not have a fragment.';
  if (url.username !== '' || url.password !== '')
    return 'The redirect_uri must not carry credentials.';
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    return 'The redirect_uri must be on 127.0.0.1 or localhost for this application.';
  }
  return undefined;
}

function fail(reason: string): CheckedAuthorization {
  return { ok: false, reason };
}
