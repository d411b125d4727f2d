import { createHash } from 'node:crypto';
import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import supertest from 'supertest';
import { useNock } from '../support/nock';
import {
  CLIENT_ID,
  agentFor,
  authenticateDirectly,
  loginApp,
  makeStrategy,
  startLogin,
} from './support/strategy';

/** The PKCE verifier the strategy stored with `state`, read from the session store. */
function storedVerifier(session: Record<string, unknown>, state: string): unknown {
  const pending = session['agilecrm:pending'] as { handle: string; codeVerifier?: string }[];
  return pending.find((login) => login.handle === state)?.codeVerifier;
}

describe('authorization redirect', () => {
  useNock();

  describe('with the defaults', () => {
    let location: URL;

    before(async () => {
      const agent = agentFor(loginApp(makeStrategy()));
      ({ location } = await startLogin(agent));
    });

    it("sends the browser to the account's /oauth/authorize", () => {
      expect(location.origin + location.pathname).to.equal(
        'https://acme.agilecrm.com/oauth/authorize',
      );
    });

    it('asks for a code for this client, with an absolute redirect_uri', () => {
      expect(location.searchParams.get('response_type')).to.equal('code');
      expect(location.searchParams.get('client_id')).to.equal(CLIENT_ID);
      const redirect = new URL(location.searchParams.get('redirect_uri')!);
      expect(redirect.protocol).to.equal('http:');
      expect(redirect.host).to.equal('app.test');
      expect(redirect.pathname).to.equal('/callback');
    });

    it('includes an unguessable state', () => {
      expect(location.searchParams.get('state')).to.match(/^[A-Za-z0-9_-]{32,}$/);
    });

    it('uses PKCE with S256', () => {
      expect(location.searchParams.get('code_challenge_method')).to.equal('S256');
      expect(location.searchParams.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
    });

    it('sends no scope when none is configured', () => {
      expect(location.searchParams.has('scope')).to.equal(false);
    });
  });

  it('derives the challenge from the verifier stored with the state (S256)', async () => {
    const strategy = makeStrategy();
    const session: Record<string, unknown> = {};
    const { first } = authenticateDirectly(strategy, { query: {}, session });
    const action = await first;
    expect(action.kind).to.equal('redirect');
    const url = new URL(action.args[0] as string);
    const verifier = storedVerifier(session, url.searchParams.get('state')!);
    expect(verifier).to.be.a('string');
    const challenge = createHash('sha256')
      .update(verifier as string)
      .digest('base64url');
    expect(url.searchParams.get('code_challenge')).to.equal(challenge);
  });

  it('gives each login its own state and challenge', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const a = await startLogin(agent);
    const b = await startLogin(agent);
    expect(a.state).not.to.equal(b.state);
    expect(a.location.searchParams.get('code_challenge')).not.to.equal(
      b.location.searchParams.get('code_challenge'),
    );
  });

  it('sends no challenge with pkce: false', async () => {
    const agent = agentFor(loginApp(makeStrategy({ pkce: false })));
    const { location } = await startLogin(agent);
    expect(location.searchParams.has('code_challenge')).to.equal(false);
    expect(location.searchParams.has('code_challenge_method')).to.equal(false);
    expect(location.searchParams.get('state')).to.be.a('string');
  });

  it('joins a scope array with the default space', async () => {
    const agent = agentFor(loginApp(makeStrategy({ scope: ['contacts', 'deals'] })));
    const { location } = await startLogin(agent);
    expect(location.searchParams.get('scope')).to.equal('contacts deals');
  });

  it('joins a scope array with scopeSeparator', async () => {
    const strategy = makeStrategy({ scope: ['contacts', 'deals'], scopeSeparator: ',' });
    const { location } = await startLogin(agentFor(loginApp(strategy)));
    expect(location.searchParams.get('scope')).to.equal('contacts,deals');
  });

  it('lets passport.authenticate() options override the scope', async () => {
    const strategy = makeStrategy({ scope: 'contacts' });
    const app = loginApp(strategy, () => ({ scope: ['tasks', 'notes'] }));
    const { location } = await startLogin(agentFor(app));
    expect(location.searchParams.get('scope')).to.equal('tasks notes');
  });

  it('uses an absolute callbackURL as given', async () => {
    const strategy = makeStrategy({ callbackURL: 'https://app.example/auth/agilecrm/callback' });
    const { location } = await startLogin(agentFor(loginApp(strategy)));
    expect(location.searchParams.get('redirect_uri')).to.equal(
      'https://app.example/auth/agilecrm/callback',
    );
  });

  it('resolves a relative callbackURL against X-Forwarded-* only with proxy: true', async () => {
    for (const [proxy, expected] of [
      [true, 'https://public.example/callback'],
      [false, 'http://public.example/callback'],
    ] as const) {
      const strategy = makeStrategy({ proxy });
      const res = await supertest(loginApp(strategy))
        .get('/login')
        .set('Host', 'public.example')
        .set('X-Forwarded-Proto', 'https')
        .expect(302);
      const location = new URL(res.headers['location'] as string);
      expect(location.searchParams.get('redirect_uri')).to.equal(expected);
    }
  });

  it('goes to an authorizationURL override with {domain} expanded', async () => {
    const strategy = makeStrategy({
      domain: undefined,
      authorizationURL: 'https://login.example/{domain}/authorize?ui=compact',
    });
    const { location } = await startLogin(agentFor(loginApp(strategy)), '?tenant=Beta');
    expect(location.origin + location.pathname).to.equal('https://login.example/beta/authorize');
    expect(location.searchParams.get('ui')).to.equal('compact');
  });

  describe('per-request domain', () => {
    const strategy = makeStrategy({ domain: undefined });
    const app = loginApp(strategy);

    it('starts the login at the account named in the options', async () => {
      const { location } = await startLogin(agentFor(app), '?tenant=globex');
      expect(location.host).to.equal('globex.agilecrm.com');
    });

    for (const [what, query] of [
      ['missing', ''],
      ['a hostname', '?tenant=evil.com'],
      ['a path', '?tenant=evil.com%2Fx'],
      ['a full Agile CRM host', '?tenant=acme.agilecrm.com'],
      ['starting with a hyphen', '?tenant=-acme'],
      ['empty', '?tenant='],
      ['an array', '?tenant=a&tenant=b'],
    ]) {
      it(`answers 400 and redirects nowhere when the domain is ${what}`, async () => {
        const res = await supertest(app).get(`/login${query}`);
        expect(res.status).to.equal(400);
        expect(res.headers['location']).to.equal(undefined);
        expect(res.body.outcome).to.equal('fail');
        expect(res.body.info.message).to.match(/valid Agile CRM account name/);
        expect(res.headers['set-cookie']).to.equal(undefined);
      });
    }
  });

  it('answers 400 with plain passport.authenticate() middleware too', async () => {
    const passport = new Passport();
    passport.use(makeStrategy({ domain: undefined }));
    const app = express();
    app.use(session({ secret: 's', resave: false, saveUninitialized: false }));
    app.get('/login', (req, res, next) =>
      passport.authenticate('agilecrm', { domain: req.query['tenant'] })(req, res, next),
    );
    const res = await supertest(app).get('/login?tenant=evil.com%2Fx');
    expect(res.status).to.equal(400);
    expect(res.headers['location']).to.equal(undefined);
  });

  it('refuses another account than the fixed domain with 400', async () => {
    const res = await supertest(loginApp(makeStrategy({ domain: 'acme' }))).get(
      '/login?tenant=globex',
    );
    expect(res.status).to.equal(400);
    expect(res.headers['location']).to.equal(undefined);
    expect(res.body.info.message).to.match(/"acme"/);
  });

  it('accepts the fixed domain named again in the options', async () => {
    const { location } = await startLogin(
      agentFor(loginApp(makeStrategy({ domain: 'acme' }))),
      '?tenant=ACME',
    );
    expect(location.host).to.equal('acme.agilecrm.com');
  });

  it('errors clearly without session support', async () => {
    const { first } = authenticateDirectly(makeStrategy(), { query: {} });
    const action = await first;
    expect(action.kind).to.equal('error');
    expect((action.args[0] as Error).message).to.match(/needs session support/);
  });
});
