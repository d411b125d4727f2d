/**
 * Logins with CookiePendingLoginStore in apps that have no session middleware at all: Express 5
 * and Express 4, passport with `session: false`, the verify result in `req.user` and a token of
 * the app's own, against the emulator over real sockets.
 */
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express5, { type Express, type Request, type Response } from 'express';
import express4 from 'express4';
import { Passport } from 'passport';
import { CookiePendingLoginStore, Strategy } from '../../../lib';
import { createEmulator, type RunningEmulator } from '../../../lib/testing';
import { Browser, closeBrowserSockets, type BrowserResponse } from '../../support/browser';

const STORE_SECRET = 'cookie-store-login-test-secret-0123456789';
const TOKEN_KEY = 'the-app-signs-its-own-tokens';

interface AppUser {
  id: string;
  domain: string;
}

const hosts: [string, () => Express][] = [
  ['Express 5', () => express5()],
  ['Express 4', () => express4()],
];

for (const [host, createExpress] of hosts) {
  describe(`CookiePendingLoginStore logins without a session (${host})`, () => {
    let emu: RunningEmulator;
    let server: Server;
    let url: string;

    before(async () => {
      emu = await createEmulator({
        accounts: [
          {
            domain: 'demo',
            users: [{ email: 'dana@demo.example', name: 'Dana', apiKey: 'k-demo' }],
          },
          { domain: 'acme', users: [{ email: 'ada@acme.example', name: 'Ada', apiKey: 'k-acme' }] },
        ],
      }).listen(0, '127.0.0.1');
      const app = createExpress();
      app.set('trust proxy', 'loopback');
      const passport = new Passport();
      passport.use(
        new Strategy(
          {
            clientID: emu.clientID,
            clientSecret: emu.clientSecret,
            baseURL: emu.baseURL,
            callbackURL: '/auth/agilecrm/callback',
            store: new CookiePendingLoginStore({ secret: STORE_SECRET }),
          },
          async (_accessToken, _refreshToken, profile): Promise<AppUser> => ({
            id: profile.id,
            domain: profile.domain,
          }),
        ),
      );
      app.get('/auth/agilecrm', (req, res, next) =>
        passport.authenticate('agilecrm', {
          session: false,
          domain: req.query['account'] ?? 'demo',
        })(req, res, next),
      );
      app.get(
        '/auth/agilecrm/callback',
        passport.authenticate('agilecrm', { session: false }),
        (req: Request, res: Response) => {
          // No session: the app issues a token of its own for the verified user.
          const user = req.user as unknown as AppUser;
          res.json({ user, token: tokenFor(user) });
        },
      );
      server = await new Promise<Server>((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async () => {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await emu?.close();
      closeBrowserSockets();
    });

    async function start(
      browser: Browser,
      account = 'demo',
      headers: Record<string, string> = {},
    ): Promise<BrowserResponse> {
      const res = await browser.send(
        url,
        'GET',
        `/auth/agilecrm?account=${account}`,
        undefined,
        headers,
      );
      expect(res.status, res.body).to.equal(302);
      return res;
    }

    function callback(
      browser: Browser,
      begin: BrowserResponse,
      headers: Record<string, string> = {},
    ): Promise<BrowserResponse> {
      const back = new URL(emu.approve(begin.location!));
      return browser.send(url, 'GET', back.pathname + back.search, undefined, headers);
    }

    function setCookies(res: BrowserResponse): string[] {
      return ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    }

    it('completes a login: the verify result in req.user, no session, the cookie cleared', async () => {
      const browser = new Browser();
      const begin = await start(browser);
      expect(setCookies(begin)).to.have.length(1);
      expect(setCookies(begin)[0]).to.match(/^agilecrm_pending=[\w-]+; Max-Age=600; Path=\/;/);
      const tokensBefore = emu.stats.token;
      const done = await callback(browser, begin);
      expect(done.status, done.body).to.equal(200);
      const body = JSON.parse(done.body) as { user: AppUser; token: string };
      expect(body.user.domain).to.equal('demo');
      expect(body.token).to.equal(tokenFor(body.user));
      expect(setCookies(done)).to.have.length(1);
      expect(setCookies(done)[0]).to.match(/^agilecrm_pending=; Max-Age=0;/);
      expect(browser.cookies.size).to.equal(0);
      expect(emu.stats.token - tokensBefore).to.equal(1);
    });

    it('refuses a replayed callback with a copy of the cookie: 403, no token request', async () => {
      const browser = new Browser();
      const begin = await start(browser);
      const copy = new Browser();
      for (const [n, v] of browser.cookies) copy.cookies.set(n, v);
      const back = new URL(emu.approve(begin.location!));
      const path = back.pathname + back.search;
      expect((await browser.send(url, 'GET', path)).status).to.equal(200);
      const tokensBefore = emu.stats.token;
      const replay = await copy.send(url, 'GET', path);
      expect(replay.status).to.equal(403);
      expect(emu.stats.token).to.equal(tokensBefore);
    });

    it('refuses a tampered, missing or foreign cookie: 403, no token request', async () => {
      const tokensBefore = emu.stats.token;
      const tampered = new Browser();
      const begin = await start(tampered);
      const value = tampered.cookies.get('agilecrm_pending')!;
      tampered.cookies.set(
        'agilecrm_pending',
        value.slice(0, 20) + (value[20] === 'A' ? 'B' : 'A') + value.slice(21),
      );
      expect((await callback(tampered, begin)).status).to.equal(403);

      const someoneElse = new Browser();
      await start(someoneElse);
      const missing = new Browser();
      const theirs = await start(missing);
      missing.cookies.clear();
      expect((await callback(missing, theirs)).status).to.equal(403);
      // Another browser's cookie does not hold this login either.
      const foreign = new Browser();
      const own = await start(foreign);
      foreign.cookies.clear();
      for (const [n, v] of someoneElse.cookies) foreign.cookies.set(n, v);
      expect((await callback(foreign, own)).status).to.equal(403);
      expect(emu.stats.token).to.equal(tokensBefore);
    });

    it('completes a login opened in two tabs, in either order', async () => {
      const browser = new Browser();
      const tab1 = await start(browser, 'demo');
      const tab2 = await start(browser, 'acme');
      const second = await callback(browser, tab2);
      expect(second.status, second.body).to.equal(200);
      expect((JSON.parse(second.body) as { user: AppUser }).user.domain).to.equal('acme');
      const first = await callback(browser, tab1);
      expect(first.status, first.body).to.equal(200);
      expect((JSON.parse(first.body) as { user: AppUser }).user.domain).to.equal('demo');
    });

    it('behind a trusted HTTPS proxy, uses a Secure __Host- cookie', async () => {
      const browser = new Browser();
      const https = { 'x-forwarded-proto': 'https' };
      const begin = await start(browser, 'demo', https);
      expect(setCookies(begin)[0]).to.match(/^__Host-agilecrm_pending=.*; Path=\/;.*; Secure/);
      expect(new URL(begin.location!).searchParams.get('redirect_uri')).to.match(/^https:/);
      const done = await callback(browser, begin, https);
      expect(done.status, done.body).to.equal(200);
      expect(setCookies(done)[0]).to.match(/^__Host-agilecrm_pending=; Max-Age=0;.*; Secure/);
    });
  });
}

function tokenFor(user: AppUser): string {
  return createHmac('sha256', TOKEN_KEY).update(`${user.domain}:${user.id}`).digest('base64url');
}
