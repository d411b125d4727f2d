import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMAPIError, AgileCRMRequestError, TokenError } from '../../lib';
import { useNock } from '../support/nock';
import {
  ACCESS_TOKEN,
  ACME,
  CLIENT_ID,
  CLIENT_SECRET,
  REFRESH_TOKEN,
  expectNoSecrets,
  makeStrategy,
  mockToken,
} from './support/strategy';
import { localServer } from './support/local-server';

const REVOKE = { revokeURL: 'https://{domain}.agilecrm.com/oauth/revoke' };

function mockRevoke(
  origin = ACME,
  status = 200,
  body = '',
): { scope: nock.Scope; forms: URLSearchParams[]; headers: Record<string, string>[] } {
  const forms: URLSearchParams[] = [];
  const headers: Record<string, string>[] = [];
  const scope = nock(origin)
    .post('/oauth/revoke')
    .reply(function (_uri, requestBody) {
      forms.push(new URLSearchParams(String(requestBody)));
      headers.push(this.req.headers);
      return [status, body];
    });
  return { scope, forms, headers };
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

describe('refresh()', () => {
  useNock();

  it('posts the refresh_token grant with the client credentials', async () => {
    const { scope, seen } = mockToken();
    await makeStrategy().refresh(REFRESH_TOKEN);
    expect(scope.isDone()).to.equal(true);
    const form = seen[0]!.form;
    expect(Object.fromEntries(form)).to.deep.equal({
      grant_type: 'refresh_token',
      refresh_token: REFRESH_TOKEN,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
  });

  it('resolves a TokenSet with expiresAt computed from expires_in', async () => {
    mockToken(ACME, {
      access_token: 'new-access',
      refresh_token: 'new-refresh',
      token_type: 'bearer',
      expires_in: 3600,
      scope: 'contacts',
    });
    const realNow = Date.now;
    const now = 1_700_000_000_000;
    Date.now = () => now;
    try {
      const tokens = await makeStrategy().refresh(REFRESH_TOKEN);
      expect(tokens).to.deep.equal({
        accessToken: 'new-access',
        refreshToken: 'new-refresh',
        expiresAt: now + 3600 * 1000,
        tokenType: 'bearer',
        params: {
          access_token: 'new-access',
          refresh_token: 'new-refresh',
          token_type: 'bearer',
          expires_in: 3600,
          scope: 'contacts',
        },
      });
    } finally {
      Date.now = realNow;
    }
  });

  it('leaves refreshToken and expiresAt out when the response has none', async () => {
    mockToken(ACME, { access_token: 'new-access', expires_in: 'soon' });
    const tokens = await makeStrategy().refresh(REFRESH_TOKEN);
    expect(tokens).to.deep.equal({
      accessToken: 'new-access',
      params: { access_token: 'new-access', expires_in: 'soon' },
    });
  });

  it('accepts expires_in sent as a string of digits', async () => {
    mockToken(ACME, { access_token: 'a', expires_in: '60' });
    const before = Date.now();
    const { expiresAt } = await makeStrategy().refresh(REFRESH_TOKEN);
    expect(expiresAt).to.be.within(before + 60_000, Date.now() + 60_000);
  });

  it('uses HTTP Basic with client_secret_basic', async () => {
    const { seen } = mockToken();
    await makeStrategy({ clientAuthentication: 'client_secret_basic' }).refresh(REFRESH_TOKEN);
    expect(seen[0]!.headers['authorization']).to.equal(
      `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
    );
    expect(seen[0]!.form.has('client_secret')).to.equal(false);
  });

  it('rejects with a TokenError carrying the OAuth code', async () => {
    mockToken(
      ACME,
      { error: 'invalid_grant', error_description: `refresh token ${REFRESH_TOKEN} was revoked` },
      400,
    );
    const err = await rejection(makeStrategy().refresh(REFRESH_TOKEN));
    expect(err).to.be.instanceOf(TokenError);
    expect(err['code']).to.equal('invalid_grant');
    expect(err.message).to.equal('refresh token [redacted] was revoked');
    expectNoSecrets(err);
  });

  it('goes to the account given, on a strategy that serves several', async () => {
    const { scope } = mockToken('https://globex.agilecrm.com');
    const tokens = await makeStrategy({ domain: undefined }).refresh(REFRESH_TOKEN, {
      domain: 'Globex',
    });
    expect(scope.isDone()).to.equal(true);
    expect(tokens.accessToken).to.equal(ACCESS_TOKEN);
  });

  it('refuses bad input before any request', async () => {
    const several = makeStrategy({ domain: undefined });
    const fixed = makeStrategy();
    const cases: [Promise<unknown>, RegExp][] = [
      [fixed.refresh(''), /needs a refresh token string/],
      [several.refresh(REFRESH_TOKEN), /needs \{ domain \}: this strategy serves several accounts/],
      [several.refresh(REFRESH_TOKEN, { domain: 'evil.com/x' }), /invalid Agile CRM account name/],
      [
        fixed.refresh(REFRESH_TOKEN, { domain: 'globex' }),
        /"globex" but this strategy is for "acme"/,
      ],
    ];
    for (const [promise, message] of cases) {
      const err = await rejection(promise);
      expect(err).to.be.instanceOf(TypeError);
      expect(err.message).to.match(message);
    }
  });

  it('is bounded by the timeout option', async () => {
    const server = await localServer(() => undefined);
    try {
      const strategy = makeStrategy({ baseURL: `${server.url}/{domain}`, timeout: 250 });
      const err = await rejection(strategy.refresh(REFRESH_TOKEN));
      expect(err).to.be.instanceOf(AgileCRMRequestError);
      expect(err.message).to.match(/token request to .* timed out after 250 ms$/);
      expectNoSecrets(err);
    } finally {
      await server.close();
    }
  });
});

describe('revoke()', () => {
  useNock();

  it('posts the token and its type hint with the client credentials', async () => {
    const { scope, forms } = mockRevoke();
    await makeStrategy(REVOKE).revoke(REFRESH_TOKEN, { tokenTypeHint: 'refresh_token' });
    expect(scope.isDone()).to.equal(true);
    expect(Object.fromEntries(forms[0]!)).to.deep.equal({
      token: REFRESH_TOKEN,
      token_type_hint: 'refresh_token',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
  });

  it('sends no hint when none is given, and resolves with nothing', async () => {
    const { forms, headers } = mockRevoke();
    expect(await makeStrategy(REVOKE).revoke(ACCESS_TOKEN)).to.equal(undefined);
    expect(forms[0]!.has('token_type_hint')).to.equal(false);
    expect(headers[0]!['content-type']).to.equal('application/x-www-form-urlencoded');
  });

  it('expands {domain} in revokeURL for the account given', async () => {
    const { scope } = mockRevoke('https://globex.agilecrm.com');
    await makeStrategy({ ...REVOKE, domain: undefined }).revoke(ACCESS_TOKEN, {
      domain: 'globex',
    });
    expect(scope.isDone()).to.equal(true);
  });

  it('rejects without revokeURL, saying Agile CRM documents none, and sends nothing', async () => {
    const err = await rejection(makeStrategy().revoke(ACCESS_TOKEN));
    expect(err.message).to.equal(
      'revoke() needs the revokeURL option: Agile CRM documents no revocation endpoint',
    );
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it('rejects an error status with an AgileCRMAPIError that does not repeat the token', async () => {
    mockRevoke(
      ACME,
      400,
      JSON.stringify({ error: 'unsupported_token_type', error_description: `bad ${ACCESS_TOKEN}` }),
    );
    const err = await rejection(makeStrategy(REVOKE).revoke(ACCESS_TOKEN));
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect(err['status']).to.equal(400);
    expect(err.message).to.equal('Agile CRM token revocation failed with HTTP 400: bad [redacted]');
    expectNoSecrets(err);
  });

  it('refuses an empty token', async () => {
    const err = await rejection(makeStrategy(REVOKE).revoke(''));
    expect(err).to.be.instanceOf(TypeError);
  });

  it('is bounded by the timeout option', async () => {
    const server = await localServer(() => undefined);
    try {
      const strategy = makeStrategy({
        revokeURL: `${server.url}/{domain}/oauth/revoke`,
        timeout: 250,
      });
      const err = await rejection(strategy.revoke(ACCESS_TOKEN));
      expect(err).to.be.instanceOf(AgileCRMRequestError);
      expect(err.message).to.equal(
        `Agile CRM token revocation to ${server.url}/acme/oauth/revoke timed out after 250 ms`,
      );
      expectNoSecrets(err);
    } finally {
      await server.close();
    }
  });
});
