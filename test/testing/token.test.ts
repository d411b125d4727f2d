import { expect } from 'chai';
import { createEmulator, type RunningEmulator } from '../../lib/testing/index';
import { withClockAhead } from '../support/clock';
import {
  approvedCode,
  basic,
  CALLBACK,
  login,
  pkcePair,
  postCredentials,
  postForm,
} from './support/emulator';

interface TokenBody {
  access_token?: string;
  refresh_token?: string;
  token_type?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

describe('emulator token and revocation endpoints', () => {
  let emu: RunningEmulator;
  let tokenURL: string;
  let revokeURL: string;
  before(async () => {
    emu = await createEmulator({
      clients: [
        { clientID: 'odd id:1', clientSecret: 'se:cr+et %/é' },
        { clientID: 'other', clientSecret: 'other-secret' },
      ],
    }).listen();
    tokenURL = `${emu.url}/demo/oauth/token`;
    revokeURL = `${emu.url}/demo/oauth/revoke`;
  });
  after(() => emu.close());

  async function exchange(form: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await postForm(
      tokenURL,
      { grant_type: 'authorization_code', redirect_uri: CALLBACK, ...form },
      headers,
    );
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as TokenBody,
    };
  }

  async function currentUserStatus(accessToken: string): Promise<number> {
    const response = await fetch(`${emu.url}/demo/dev/api/users/current-user`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    await response.arrayBuffer();
    return response.status;
  }

  describe('authorization_code', () => {
    it('answers Bearer tokens for a code with its PKCE verifier (client_secret_post)', async () => {
      const { verifier, challenge } = pkcePair();
      const code = approvedCode(emu, {
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: 'contacts',
      });
      const { status, headers, body } = await exchange({
        code,
        code_verifier: verifier,
        ...postCredentials(emu),
      });
      expect(status).to.equal(200);
      expect(headers.get('cache-control')).to.equal('no-store');
      expect(body.token_type).to.equal('Bearer');
      expect(body.expires_in).to.equal(3600);
      expect(body.access_token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(body.refresh_token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(body.access_token).not.to.equal(body.refresh_token);
      expect(body).to.have.property('scope', 'contacts');
      expect(await currentUserStatus(body.access_token as string)).to.equal(200);
    });

    it('accepts client_secret_basic with form-encoded parts', async () => {
      const code = approvedCode(emu, { client_id: 'odd id:1' });
      const { status, body } = await exchange(
        { code },
        { authorization: basic('odd id:1', 'se:cr+et %/é') },
      );
      expect(status).to.equal(200);
      expect(body.access_token).to.be.a('string');
    });

    it('accepts a plain PKCE challenge', async () => {
      const { verifier } = pkcePair();
      const code = approvedCode(emu, { code_challenge: verifier, code_challenge_method: 'plain' });
      expect(
        (await exchange({ code, code_verifier: verifier, ...postCredentials(emu) })).status,
      ).to.equal(200);
    });

    it('uses a code only once; a replay also revokes the tokens it produced', async () => {
      const code = approvedCode(emu);
      const first = await exchange({ code, ...postCredentials(emu) });
      expect(first.status).to.equal(200);
      expect(await currentUserStatus(first.body.access_token as string)).to.equal(200);
      const replay = await exchange({ code, ...postCredentials(emu) });
      expect(replay.status).to.equal(400);
      expect(replay.body.error).to.equal('invalid_grant');
      expect(await currentUserStatus(first.body.access_token as string)).to.equal(401);
      const refresh = await postForm(tokenURL, {
        grant_type: 'refresh_token',
        refresh_token: first.body.refresh_token as string,
        ...postCredentials(emu),
      });
      expect(refresh.status).to.equal(400);
    });

    it('refuses an expired code (codeTTL)', async () => {
      const code = approvedCode(emu);
      const late = await withClockAhead(61_000, () => exchange({ code, ...postCredentials(emu) }));
      expect(late.status).to.equal(400);
      expect(late.body).to.deep.equal({
        error: 'invalid_grant',
        error_description: 'The authorization code has expired.',
      });
    });

    it('honours a custom codeTTL', async () => {
      const short = await createEmulator({ codeTTL: 5 }).listen();
      try {
        const code = approvedCode(short);
        const response = await withClockAhead(6_000, () =>
          postForm(`${short.url}/demo/oauth/token`, {
            grant_type: 'authorization_code',
            code,
            redirect_uri: CALLBACK,
            ...postCredentials(short),
          }),
        );
        expect(response.status).to.equal(400);
        expect(((await response.json()) as TokenBody).error_description).to.contain('expired');
      } finally {
        await short.close();
      }
    });

    it('refuses a PKCE verifier that does not match, and a missing one', async () => {
      const { challenge } = pkcePair();
      const params = { code_challenge: challenge, code_challenge_method: 'S256' };
      const wrong = await exchange({
        code: approvedCode(emu, params),
        code_verifier: pkcePair().verifier,
        ...postCredentials(emu),
      });
      expect(wrong.status).to.equal(400);
      expect(wrong.body.error).to.equal('invalid_grant');
      expect(wrong.body.error_description).to.contain('code_verifier does not match');
      const missing = await exchange({ code: approvedCode(emu, params), ...postCredentials(emu) });
      expect(missing.body.error_description).to.contain('code_verifier parameter is missing');
    });

    it('refuses a verifier when the authorization request had no challenge', async () => {
      const result = await exchange({
        code: approvedCode(emu),
        code_verifier: pkcePair().verifier,
        ...postCredentials(emu),
      });
      expect(result.status).to.equal(400);
      expect(result.body.error).to.equal('invalid_grant');
    });

    it('binds the code to its redirect_uri', async () => {
      const result = await exchange({
        code: approvedCode(emu),
        ...postCredentials(emu),
        redirect_uri: 'http://127.0.0.1:3000/other',
      });
      expect(result.status).to.equal(400);
      expect(result.body.error_description).to.contain('redirect_uri');
    });

    it('binds the code to its client and its account', async () => {
      const code = approvedCode(emu);
      const otherClient = await exchange({
        code,
        client_id: 'other',
        client_secret: 'other-secret',
      });
      expect(otherClient.body.error).to.equal('invalid_grant');
      const response = await postForm(`${emu.url}/acme/oauth/token`, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        ...postCredentials(emu),
      });
      expect(response.status).to.equal(400);
      // Neither attempt used the code up: it still works for its own client and account.
      expect((await exchange({ code, ...postCredentials(emu) })).status).to.equal(200);
    });

    it('answers 401 invalid_client for a wrong secret (post) without echoing it', async () => {
      const code = approvedCode(emu);
      const response = await postForm(tokenURL, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        client_id: emu.clientID,
        client_secret: 'wrong-secret-value',
      });
      expect(response.status).to.equal(401);
      const text = await response.text();
      expect(JSON.parse(text)).to.deep.equal({
        error: 'invalid_client',
        error_description: 'Client authentication failed.',
      });
      expect(text).not.to.contain('wrong-secret-value');
      expect((await exchange({ code, ...postCredentials(emu) })).status).to.equal(200);
    });

    it('answers 401 invalid_client with WWW-Authenticate for a wrong secret (basic)', async () => {
      const result = await exchange(
        { code: approvedCode(emu) },
        { authorization: basic(emu.clientID, 'nope') },
      );
      expect(result.status).to.equal(401);
      expect(result.body.error).to.equal('invalid_client');
      expect(result.headers.get('www-authenticate')).to.equal('Basic realm="agilecrm"');
    });

    it('answers 401 for an unknown client and for no credentials', async () => {
      expect(
        (await exchange({ code: 'x', client_id: 'nobody', client_secret: 'x' })).status,
      ).to.equal(401);
      expect((await exchange({ code: 'x' })).status).to.equal(401);
    });

    it('refuses two client authentication methods at once', async () => {
      const result = await exchange(
        { code: approvedCode(emu), ...postCredentials(emu) },
        { authorization: basic(emu.clientID, emu.clientSecret) },
      );
      expect(result.status).to.equal(400);
      expect(result.body.error).to.equal('invalid_request');
    });

    it('refuses repeated parameters, other grant types and other body types', async () => {
      const repeated = await fetch(tokenURL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=authorization_code&code=a&code=b&client_id=${emu.clientID}&client_secret=${emu.clientSecret}`,
      });
      expect(repeated.status).to.equal(400);
      expect(((await repeated.json()) as TokenBody).error).to.equal('invalid_request');
      const password = await postForm(tokenURL, {
        grant_type: 'password',
        ...postCredentials(emu),
      });
      expect(((await password.json()) as TokenBody).error).to.equal('unsupported_grant_type');
      const json = await fetch(tokenURL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'authorization_code', ...postCredentials(emu) }),
      });
      expect(json.status).to.equal(400);
      expect(((await json.json()) as TokenBody).error).to.equal('invalid_request');
    });
  });

  describe('refresh_token', () => {
    it('rotates: new tokens work, the old refresh token stops working', async () => {
      const first = await login(emu);
      const response = await postForm(tokenURL, {
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
        ...postCredentials(emu),
      });
      expect(response.status).to.equal(200);
      const second = (await response.json()) as TokenBody;
      expect(second.refresh_token).to.be.a('string').and.not.equal(first.refresh_token);
      expect(second.access_token).to.be.a('string').and.not.equal(first.access_token);
      expect(await currentUserStatus(second.access_token as string)).to.equal(200);
      const reuse = await postForm(tokenURL, {
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
        ...postCredentials(emu),
      });
      expect(reuse.status).to.equal(400);
      expect(((await reuse.json()) as TokenBody).error).to.equal('invalid_grant');
      const next = await postForm(
        tokenURL,
        {
          grant_type: 'refresh_token',
          refresh_token: second.refresh_token as string,
        },
        { authorization: basic(emu.clientID, emu.clientSecret) },
      );
      expect(next.status).to.equal(200);
    });

    it('binds the refresh token to its client', async () => {
      const tokens = await login(emu);
      const response = await postForm(tokenURL, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: 'other',
        client_secret: 'other-secret',
      });
      expect(response.status).to.equal(400);
      expect(((await response.json()) as TokenBody).error).to.equal('invalid_grant');
    });
  });

  describe('revocation (RFC 7009)', () => {
    async function revoke(token: string, credentials = postCredentials(emu)): Promise<Response> {
      return postForm(revokeURL, { token, ...credentials });
    }

    it('revoking a refresh token also ends its access tokens', async () => {
      const tokens = await login(emu);
      const response = await revoke(tokens.refresh_token);
      expect(response.status).to.equal(200);
      expect(await response.text()).to.equal('');
      expect(await currentUserStatus(tokens.access_token)).to.equal(401);
      const refresh = await postForm(tokenURL, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        ...postCredentials(emu),
      });
      expect(refresh.status).to.equal(400);
    });

    it('revoking an access token ends only that token', async () => {
      const tokens = await login(emu);
      expect((await revoke(tokens.access_token, postCredentials(emu))).status).to.equal(200);
      expect(await currentUserStatus(tokens.access_token)).to.equal(401);
      const refresh = await postForm(tokenURL, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        ...postCredentials(emu),
      });
      expect(refresh.status).to.equal(200);
    });

    it('answers 200 for an unknown token', async () => {
      expect((await revoke('never-issued')).status).to.equal(200);
    });

    it("leaves another client's token alone (and still answers 200)", async () => {
      const tokens = await login(emu);
      expect(
        (await revoke(tokens.access_token, { client_id: 'other', client_secret: 'other-secret' }))
          .status,
      ).to.equal(200);
      expect(await currentUserStatus(tokens.access_token)).to.equal(200);
    });

    it('authenticates the client and needs a token', async () => {
      const tokens = await login(emu);
      const wrong = await revoke(tokens.access_token, {
        client_id: emu.clientID,
        client_secret: 'bad',
      });
      expect(wrong.status).to.equal(401);
      expect(await currentUserStatus(tokens.access_token)).to.equal(200);
      const none = await postForm(revokeURL, postCredentials(emu));
      expect(none.status).to.equal(400);
    });
  });
});
