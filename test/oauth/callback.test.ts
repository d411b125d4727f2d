import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { Passport } from 'passport';
import type { AgileCRMProfile, TokenParams } from '../../lib';
import { useNock } from '../support/nock';
import {
  ACCESS_TOKEN,
  agentFor,
  CLIENT_ID,
  CLIENT_SECRET,
  REFRESH_TOKEN,
  login,
  loginApp,
  makeStrategy,
  mockProfile,
  mockToken,
  type Outcome,
  type Seen,
} from './support/strategy';

describe('callback', () => {
  useNock();

  describe('with the defaults (client_secret_post, PKCE)', () => {
    let token: Seen;
    let profileRequest: Seen;
    let challenge: string;
    let redirectURI: string;
    let outcome: Outcome;
    const received: unknown[][] = [];

    before(async () => {
      const strategy = makeStrategy({}, (accessToken, refreshToken, params, profile, done) => {
        received.push([accessToken, refreshToken, params, profile]);
        done(null, { id: profile.id });
      });
      const tokenMock = mockToken();
      const profileMock = mockProfile();
      const result = await login(agentFor(loginApp(strategy)), '', 'the-code');
      expect(tokenMock.scope.isDone()).to.equal(true);
      expect(profileMock.scope.isDone()).to.equal(true);
      token = tokenMock.seen[0]!;
      profileRequest = profileMock.seen[0]!;
      challenge = result.started.location.searchParams.get('code_challenge')!;
      redirectURI = result.started.location.searchParams.get('redirect_uri')!;
      outcome = result.body;
    });

    it('posts the authorization_code grant as a form', () => {
      expect(token.headers['content-type']).to.equal('application/x-www-form-urlencoded');
      expect(token.form.get('grant_type')).to.equal('authorization_code');
      expect(token.form.get('code')).to.equal('the-code');
      expect(token.form.get('redirect_uri')).to.equal(redirectURI);
    });

    it('sends the client credentials in the body', () => {
      expect(token.form.get('client_id')).to.equal(CLIENT_ID);
      expect(token.form.get('client_secret')).to.equal(CLIENT_SECRET);
      expect(token.headers['authorization']).to.equal(undefined);
    });

    it('sends the PKCE verifier that matches the challenge', () => {
      const verifier = token.form.get('code_verifier')!;
      expect(verifier).to.match(/^[A-Za-z0-9_-]{43,128}$/);
      expect(createHash('sha256').update(verifier).digest('base64url')).to.equal(challenge);
    });

    it('asks for JSON from the token endpoint', () => {
      expect(token.headers['accept']).to.equal('application/json');
    });

    it('fetches the profile with the access token as Bearer, asking for JSON', () => {
      expect(profileRequest.headers['authorization']).to.equal(`Bearer ${ACCESS_TOKEN}`);
      expect(profileRequest.headers['accept']).to.equal('application/json');
    });

    it('hands verify the tokens, the token response and the profile', () => {
      expect(received).to.have.length(1);
      const [accessToken, refreshToken, params, profile] = received[0] as [
        string,
        string,
        TokenParams,
        AgileCRMProfile,
      ];
      expect(accessToken).to.equal(ACCESS_TOKEN);
      expect(refreshToken).to.equal(REFRESH_TOKEN);
      expect(params).to.include({ token_type: 'bearer', expires_in: 3600 });
      expect(params).not.to.have.property('refresh_token');
      expect(profile.id).to.equal('6263975862861824');
      expect(profile.domain).to.equal('acme');
    });

    it('logs the user in with what verify returned', () => {
      expect(outcome).to.deep.equal({
        outcome: 'success',
        user: { id: '6263975862861824' },
        info: {},
      });
    });
  });

  it('sends the client credentials as HTTP Basic with client_secret_basic', async () => {
    const strategy = makeStrategy({
      clientID: 'id with:colon',
      clientSecret: 'secret/with+plus',
      clientAuthentication: 'client_secret_basic',
    });
    const tokenMock = mockToken();
    mockProfile();
    const { body } = await login(agentFor(loginApp(strategy)));
    expect(body.outcome).to.equal('success');
    const seen = tokenMock.seen[0]!;
    expect(seen.form.has('client_secret')).to.equal(false);
    expect(seen.form.has('client_id')).to.equal(false);
    const basic = seen.headers['authorization']!;
    expect(basic).to.match(/^Basic /);
    // RFC 6749 2.3.1: each part form-encoded before joining with ':'.
    expect(Buffer.from(basic.slice(6), 'base64').toString()).to.equal(
      'id%20with%3Acolon:secret%2Fwith%2Bplus',
    );
  });

  it('form-encodes credentials with spaces, plus signs, ampersands and non-ASCII intact', async () => {
    const clientID = 'id with&amp=1';
    const clientSecret = 'sécret +/%20~*';
    const tokenMock = mockToken();
    mockProfile();
    const { body } = await login(agentFor(loginApp(makeStrategy({ clientID, clientSecret }))));
    expect(body.outcome).to.equal('success');
    const { form } = tokenMock.seen[0]!;
    expect(form.get('client_id')).to.equal(clientID);
    expect(form.get('client_secret')).to.equal(clientSecret);
  });

  it('sends no code_verifier with pkce: false', async () => {
    const tokenMock = mockToken();
    mockProfile();
    const { body } = await login(agentFor(loginApp(makeStrategy({ pkce: false }))));
    expect(body.outcome).to.equal('success');
    expect(tokenMock.seen[0]!.form.has('code_verifier')).to.equal(false);
  });

  it('skips the profile request with skipUserProfile: true', async () => {
    const tokenMock = mockToken();
    let seenProfile: unknown = 'not called';
    const strategy = makeStrategy(
      { skipUserProfile: true },
      (_accessToken, _refreshToken, profile, done) => {
        seenProfile = profile;
        done(null, { id: 'skipped' });
      },
    );
    const { body } = await login(agentFor(loginApp(strategy)));
    expect(tokenMock.scope.isDone()).to.equal(true);
    expect(body.user).to.deep.equal({ id: 'skipped' });
    expect(seenProfile).to.equal(undefined);
  });

  it('asks a skipUserProfile function, per access token', async () => {
    const asked: string[] = [];
    const strategy = makeStrategy(
      {
        skipUserProfile: (accessToken, done) => {
          asked.push(accessToken);
          done(null, true);
        },
      },
      (_accessToken, _refreshToken, profile, done) => done(null, { profile: profile ?? 'none' }),
    );
    const tokenMock = mockToken();
    const { body } = await login(agentFor(loginApp(strategy)));
    expect(tokenMock.scope.isDone()).to.equal(true);
    expect(asked).to.deep.equal([ACCESS_TOKEN]);
    expect(body.user).to.deep.equal({ profile: 'none' });
  });

  it('returns application state given at login in info.state', async () => {
    mockToken();
    mockProfile();
    const app = loginApp(makeStrategy(), () => ({ state: { returnTo: '/reports' } }));
    const { body } = await login(agentFor(app));
    expect(body.info).to.deep.equal({ state: { returnTo: '/reports' } });
  });

  it('accepts code and state posted in the body (response_mode=form_post)', async () => {
    mockToken();
    mockProfile();
    const strategy = makeStrategy();
    const app = loginApp(strategy);
    app.post('/callback-post', (req, _res, next) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        req.body = Object.fromEntries(new URLSearchParams(raw));
        next();
      });
    });
    const passport = new Passport();
    passport.use(strategy);
    app.post('/callback-post', (req, res, next) =>
      passport.authenticate('agilecrm', (err: unknown, user: unknown) => {
        res.json({ err: err ? String(err) : null, user });
      })(req, res, next),
    );
    const agent = agentFor(app);
    const started = await agent.get('/login').expect(302);
    const state = new URL(started.headers['location'] as string).searchParams.get('state')!;
    const res = await agent
      .post('/callback-post')
      .type('form')
      .send({ code: 'posted-code', state });
    expect(res.body).to.deep.equal({
      err: null,
      user: { id: '6263975862861824', domain: 'acme', displayName: 'Ghanshyam' },
    });
  });

  for (const [what, code] of [
    ['empty', ''],
    ['over 4096 characters', 'c'.repeat(4097)],
  ]) {
    it(`fails with 400 and no token request when the code is ${what}`, async () => {
      const tokenMock = mockToken();
      const agent = agentFor(loginApp(makeStrategy()));
      const res = await agent.get('/login');
      const state = new URL(res.headers['location'] as string).searchParams.get('state')!;
      const cb = await agent.get('/callback').query({ code, state });
      expect(cb.status).to.equal(400);
      expect(cb.body.info.message).to.match(/Malformed authorization response/);
      expect(tokenMock.scope.isDone()).to.equal(false);
    });
  }

  it('fails with 400 when the code is repeated (an array)', async () => {
    const tokenMock = mockToken();
    const agent = agentFor(loginApp(makeStrategy()));
    const res = await agent.get('/login');
    const state = new URL(res.headers['location'] as string).searchParams.get('state')!;
    const cb = await agent.get(`/callback?code=a&code=b&state=${state}`);
    expect(cb.status).to.equal(400);
    expect(tokenMock.scope.isDone()).to.equal(false);
  });
});
