/**
 * The real Strategy, in an Express app with express-session and passport, logging in against
 * the emulator over real HTTP: nothing mocked.
 */
import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Passport } from 'passport';
import supertest from 'supertest';
import { Strategy, type AgileCRMProfile, type StrategyOptions } from '../../lib/index';
import { createEmulator, type RunningEmulator } from '../../lib/testing/index';

interface Seen {
  accessToken: string;
  refreshToken: string | undefined;
  profile: AgileCRMProfile;
}

describe('Strategy against the emulator (Express, express-session, passport, real HTTP)', () => {
  let emu: RunningEmulator;
  let server: Server;
  let appURL: string;
  let strategy: Strategy;
  const seen: Seen[] = [];

  before(async () => {
    emu = await createEmulator().listen();
    const app = express();
    const passport = new Passport();
    app.use(session({ secret: 'emulator login test', resave: false, saveUninitialized: false }));
    app.use(passport.initialize());
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    appURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const options: StrategyOptions = {
      clientID: emu.clientID,
      clientSecret: emu.clientSecret,
      baseURL: emu.baseURL,
      revokeURL: emu.revokeURL,
      callbackURL: `${appURL}/auth/agilecrm/callback`,
      scope: ['contacts', 'users'],
    };
    strategy = new Strategy(options, async (accessToken, refreshToken, profile) => {
      seen.push({ accessToken, refreshToken, profile });
      return { id: profile.id, domain: profile.domain, name: profile.displayName };
    });
    passport.use(strategy);
    app.get('/auth/agilecrm', (req, res, next) =>
      passport.authenticate('agilecrm', { session: false, domain: req.query['account'] })(
        req,
        res,
        next,
      ),
    );
    app.get('/auth/agilecrm/callback', (req, res, next) =>
      passport.authenticate(
        'agilecrm',
        { session: false },
        (err: unknown, user: unknown, info: unknown) => {
          if (err) res.status(500).json({ error: (err as Error).message });
          else if (!user) res.status(403).json({ info });
          else res.json({ user });
        },
      )(req, res, next),
    );
  });
  after(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await emu.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  async function startLogin(agent: supertest.Agent, account: string): Promise<string> {
    const started = await agent.get(`/auth/agilecrm?account=${account}`).expect(302);
    const location = started.headers['location'] as string;
    expect(location.startsWith(`${emu.url}/${account}/oauth/authorize?`)).to.equal(true);
    return location;
  }

  async function callback(agent: supertest.Agent, location: string): Promise<supertest.Response> {
    const back = new URL(location);
    expect(back.origin).to.equal(appURL);
    return agent.get(back.pathname + back.search);
  }

  it('logs in: start → emu.approve(location) → callback → profile with the exact 64-bit id', async () => {
    const agent = supertest.agent(appURL);
    const authorize = new URL(await startLogin(agent, 'demo'));
    expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256');
    const before = emu.stats;
    const res = await callback(agent, emu.approve(authorize.href));
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      user: { id: '6263975862861824123', domain: 'demo', name: 'Dana Demo' },
    });
    expect(seen).to.have.length(1);
    const { profile, accessToken, refreshToken } = seen[0]!;
    expect(profile.id).to.equal('6263975862861824123');
    expect(profile.emails).to.deep.equal([{ value: 'demo@example.com' }]);
    expect(profile.photos).to.deep.equal([
      { value: `${emu.url}/demo/avatars/6263975862861824123.svg` },
    ]);
    expect(profile._raw).to.contain('"id":6263975862861824123,');
    expect(accessToken).to.be.a('string');
    expect(refreshToken).to.be.a('string');
    expect(emu.stats.token).to.equal(before.token + 1);
    expect(emu.stats.currentUser).to.equal(before.currentUser + 1);
  });

  it('logs in through the consent page over HTTP, as a browser would', async () => {
    const agent = supertest.agent(appURL);
    const location = await startLogin(agent, 'acme');
    const page = await fetch(location);
    const html = await page.text();
    expect(html).to.contain('owner@acme.example');
    const requestID = /name="request_id" value="([^"]+)"/.exec(html)?.[1] as string;
    const decision = await fetch(`${emu.url}/acme/oauth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: requestID, decision: 'approve' }),
      redirect: 'manual',
    });
    expect(decision.status).to.equal(302);
    const res = await callback(agent, decision.headers.get('location') as string);
    expect(res.status).to.equal(200);
    expect(res.body.user).to.include({ domain: 'acme', name: 'Avery Acme' });
    expect(seen[0]!.profile.id).to.equal(emu.accounts[1]!.users[0]!.id);
  });

  it('fails the login when the user denies consent', async () => {
    const agent = supertest.agent(appURL);
    const location = await startLogin(agent, 'demo');
    const res = await callback(agent, emu.approve(location, { deny: true }));
    expect(res.status).to.equal(403);
    expect(seen).to.have.length(0);
  });

  it('refreshes (with rotation) and revokes through the strategy', async () => {
    const agent = supertest.agent(appURL);
    await callback(agent, emu.approve(await startLogin(agent, 'demo')));
    const first = seen[0]!;
    const refreshed = await strategy.refresh(first.refreshToken as string, { domain: 'demo' });
    expect(refreshed.accessToken).to.be.a('string').and.not.equal(first.accessToken);
    expect(refreshed.refreshToken).to.be.a('string').and.not.equal(first.refreshToken);
    let reuseError: unknown;
    await strategy
      .refresh(first.refreshToken as string, { domain: 'demo' })
      .catch((err: unknown) => (reuseError = err));
    expect(reuseError).to.be.instanceOf(Error);
    expect((reuseError as { code?: unknown }).code).to.equal('invalid_grant');
    await strategy.revoke(refreshed.refreshToken as string, {
      domain: 'demo',
      tokenTypeHint: 'refresh_token',
    });
    const me = await fetch(`${emu.url}/demo/dev/api/users/current-user`, {
      headers: { authorization: `Bearer ${refreshed.accessToken}`, accept: 'application/json' },
    });
    expect(me.status).to.equal(401);
  });
});
