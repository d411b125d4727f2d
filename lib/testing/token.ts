/**
 * The token endpoint (authorization_code with PKCE, refresh_token with rotation) and the
 * revocation endpoint (RFC 7009).
 */
import { createHash } from 'node:crypto';
import { authenticateClient, oauthError } from './client-auth';
import type { RouteContext } from './context';
import { deliverFault, MULTIBYTE_NAME } from './faults';
import { readForm, repeatedParameter } from './form';
import { toJSONText } from './json-text';
import { emptyAnswer, jsonAnswer, send, type Answer } from './reply';
import { randomToken } from '../shared/random';
import { TOKEN_BYTES, type CodeRecord, type Grant, type IssuedTokens } from './store';
import type { EmulatorClient, FaultKind } from './types';

/** `POST /oauth/token`. */
export async function token(ctx: RouteContext): Promise<void> {
  const read = await readForm(ctx.req);
  const grantType = read.ok ? read.form.get('grant_type') : null;
  const refresh = grantType === 'refresh_token';
  if (refresh) ctx.state.stats.refresh += 1;
  else ctx.state.stats.token += 1;
  const route = refresh ? 'refresh' : grantType === 'authorization_code' ? 'token' : undefined;
  const fault = route === undefined ? undefined : ctx.state.faults.take(route);
  if (fault && deliverFault(fault, ctx.req, ctx.res, sampleTokens())) return;
  if (!read.ok)
    return send(
      ctx.res,
      oauthError(read.status === 413 ? 413 : 400, 'invalid_request', read.reason),
    );
  const form = read.form;
  const repeated = repeatedParameter(form);
  if (repeated !== undefined) {
    return send(
      ctx.res,
      oauthError(400, 'invalid_request', `The ${repeated} parameter is given more than once.`),
    );
  }
  const auth = authenticateClient(ctx.req.headers, form, ctx.state.clients);
  if (!auth.ok) return send(ctx.res, auth.answer);
  let result: Answer;
  if (grantType === 'authorization_code') result = exchangeCode(ctx, form, auth.client, fault);
  else if (refresh) result = refreshTokens(ctx, form, auth.client, fault);
  else if (grantType === null)
    result = oauthError(400, 'invalid_request', 'The grant_type parameter is missing.');
  else
    result = oauthError(400, 'unsupported_grant_type', 'Use authorization_code or refresh_token.');
  send(ctx.res, result, fault === 'split-utf8');
}

/** `POST /oauth/revoke`: 200 for any token, known or not (RFC 7009 section 2.2). */
export async function revoke(ctx: RouteContext): Promise<void> {
  const read = await readForm(ctx.req);
  ctx.state.stats.revoke += 1;
  const fault = ctx.state.faults.take('revoke');
  if (fault && deliverFault(fault, ctx.req, ctx.res, '{"status":"200","revoked":true}')) return;
  if (!read.ok)
    return send(
      ctx.res,
      oauthError(read.status === 413 ? 413 : 400, 'invalid_request', read.reason),
    );
  const auth = authenticateClient(ctx.req.headers, read.form, ctx.state.clients);
  if (!auth.ok) return send(ctx.res, auth.answer);
  const tokens = read.form.getAll('token');
  if (tokens.length !== 1 || tokens[0] === '') {
    return send(ctx.res, oauthError(400, 'invalid_request', 'Send exactly one token parameter.'));
  }
  const value = tokens[0] as string;
  const grant = ctx.state.store.tokenGrant(value);
  // A token of another client or account is left alone, and the answer does not say so.
  if (grant?.clientID === auth.client.clientID && grant.domain === ctx.account.domain) {
    ctx.state.store.revoke(value);
  }
  if (fault === 'split-utf8') {
    send(ctx.res, jsonAnswer(200, { revoked: true, note: MULTIBYTE_NAME }), true);
  } else {
    send(ctx.res, emptyAnswer(200, { 'cache-control': 'no-store' }));
  }
}

function exchangeCode(
  ctx: RouteContext,
  form: URLSearchParams,
  client: EmulatorClient,
  fault: FaultKind | undefined,
): Answer {
  const code = form.get('code');
  if (code === null || code === '')
    return oauthError(400, 'invalid_request', 'The code parameter is missing.');
  const record = ctx.state.store.findCode(code);
  if (
    record === undefined ||
    record.domain !== ctx.account.domain ||
    record.clientID !== client.clientID
  ) {
    return invalidGrant('The authorization code is invalid.');
  }
  if (record.used) {
    // RFC 6749 section 4.1.2: a replayed code revokes what the first exchange produced.
    if (record.grantID !== undefined) ctx.state.store.revokeGrant(record.grantID);
    return invalidGrant('The authorization code has already been used.');
  }
  // Any attempt by its own client uses the code up, successful or not.
  record.used = true;
  if (record.expiresAt <= Date.now()) return invalidGrant('The authorization code has expired.');
  if (form.get('redirect_uri') !== record.redirectURI) {
    return invalidGrant('The redirect_uri does not match the authorization request.');
  }
  const pkceProblem = checkVerifier(record, form.get('code_verifier'));
  if (pkceProblem !== undefined) return invalidGrant(pkceProblem);
  const { grant, tokens } = ctx.state.store.exchangeCode(record);
  return tokenAnswer(ctx, tokens, grant, fault);
}

function refreshTokens(
  ctx: RouteContext,
  form: URLSearchParams,
  client: EmulatorClient,
  fault: FaultKind | undefined,
): Answer {
  const refreshToken = form.get('refresh_token');
  if (refreshToken === null || refreshToken === '') {
    return oauthError(400, 'invalid_request', 'The refresh_token parameter is missing.');
  }
  const grant = ctx.state.store.findRefreshGrant(refreshToken);
  if (
    grant === undefined ||
    grant.domain !== ctx.account.domain ||
    grant.clientID !== client.clientID
  ) {
    return invalidGrant('The refresh token is invalid, expired, revoked or already used.');
  }
  return tokenAnswer(ctx, ctx.state.store.rotate(refreshToken, grant), grant, fault);
}

/** RFC 7636 section 4.6; with no challenge, no verifier may be sent either. */
function checkVerifier(record: CodeRecord, verifier: string | null): string | undefined {
  if (record.codeChallenge === undefined) {
    return verifier === null ? undefined : 'A code_verifier was sent but no code_challenge was.';
  }
  if (verifier === null) return 'The code_verifier parameter is missing.';
  const derived =
    record.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier, 'ascii').digest('base64url')
      : verifier;
  return derived === record.codeChallenge && /^[A-Za-z0-9._~-]{43,128}$/.test(verifier)
    ? undefined
    : 'The code_verifier does not match the code_challenge.';
}

function tokenAnswer(
  ctx: RouteContext,
  tokens: IssuedTokens,
  grant: Grant,
  fault: FaultKind | undefined,
): Answer {
  return jsonAnswer(
    200,
    {
      access_token: tokens.accessToken,
      token_type: 'Bearer',
      // RFC 6749 asks for whole seconds; a fractional lifetime is rounded up.
      expires_in: Math.ceil(ctx.state.accessTokenTTL),
      refresh_token: tokens.refreshToken,
      scope: grant.scope === '' ? undefined : grant.scope,
      user_name: fault === 'split-utf8' ? MULTIBYTE_NAME : undefined,
    },
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );
}

function invalidGrant(description: string): Answer {
  return oauthError(400, 'invalid_grant', description);
}

/** Token-shaped body for faults that cut it short; the tokens in it were never issued. */
function sampleTokens(): string {
  return toJSONText({
    access_token: randomToken(TOKEN_BYTES),
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: randomToken(TOKEN_BYTES),
  });
}
