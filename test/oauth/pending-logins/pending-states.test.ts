/**
 * Pending logins per browser, end to end through Express, in the session and in a sealed
 * cookie: bounded (10 by default, the oldest dropped first), expiring (10 minutes), single use,
 * bound to the browser that started them, and several at once so a login opened in two tabs
 * completes in both.
 */
import { expect } from 'chai';
import { Browser, closeBrowserSockets, type BrowserResponse } from '../../support/browser';
import { PENDING_STORES, startCallbackApp, type CallbackApp } from '../../support/callback-app';
import { advanceClock, restoreClock } from '../../support/clock';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider';

const MINUTE = 60_000;

for (const store of PENDING_STORES) {
  describe(`pending logins per browser (${store} store)`, () => {
    let provider: FakeProvider;
    let app: CallbackApp;
    let browser: Browser;

    before(async () => {
      provider = await startFakeProvider();
      app = await startCallbackApp({ baseURL: provider.baseURL, queryParser: 'simple', store });
    });
    after(async () => {
      await app.close();
      await provider.close();
      closeBrowserSockets();
    });
    beforeEach(() => {
      browser = new Browser();
      provider.tokenRequests.length = 0;
    });
    afterEach(() => restoreClock());

    async function start(who = browser, account = 'demo'): Promise<string> {
      const res = await who.send(app.url, 'GET', `/login?account=${account}`);
      expect(res.status).to.equal(302);
      const state = new URL(res.location!).searchParams.get('state');
      expect(state).to.be.a('string');
      return state!;
    }

    function finish(state: string, who = browser, code = 'c0de'): Promise<BrowserResponse> {
      return who.send(app.url, 'GET', `/callback?code=${code}&state=${encodeURIComponent(state)}`);
    }

    it('keeps ten per browser and drops the oldest first', async () => {
      const states: string[] = [];
      for (let i = 0; i < 11; i++) states.push(await start());
      expect(new Set(states).size).to.equal(11);

      const oldest = await finish(states[0]!);
      expect(oldest.status).to.equal(403);
      expect(provider.tokenRequests).to.have.length(0);

      // The ten most recent all complete, in any order.
      for (const state of states.slice(1).reverse()) {
        expect((await finish(state)).status).to.equal(200);
      }
      expect(provider.tokenRequests).to.have.length(10);
    });

    it('expires a pending login after 10 minutes', async () => {
      const early = await start();
      const late = await start();
      advanceClock(10 * MINUTE - 1_000);
      expect((await finish(early)).status).to.equal(200);
      advanceClock(1_000);
      expect((await finish(late)).status).to.equal(403);
      expect(provider.tokenRequests).to.have.length(1);
    });

    it('uses each state once: a replayed callback fails without a token request', async () => {
      const state = await start();
      expect((await finish(state)).status).to.equal(200);
      const replay = await finish(state);
      expect(replay.status).to.equal(403);
      expect(replay.body).to.include('Invalid or expired login state');
      expect(provider.tokenRequests).to.have.length(1);
    });

    it('a replayed callback carrying the cookies from before the login fails without a token request', async () => {
      const state = await start();
      const copy = new Browser();
      for (const [n, v] of browser.cookies) copy.cookies.set(n, v);
      expect((await finish(state)).status).to.equal(200);
      const replay = await finish(state, copy);
      expect(replay.status).to.equal(403);
      expect(provider.tokenRequests).to.have.length(1);
    });

    it('a state only works in the browser that started the login', async () => {
      const other = new Browser();
      const theirs = await start(other);
      await start();
      expect((await finish(theirs)).status).to.equal(403);
      expect(provider.tokenRequests).to.have.length(0);
      // Still usable by its owner.
      expect((await finish(theirs, other)).status).to.equal(200);
    });

    it('completes a login opened in two tabs, in either order', async () => {
      const tab1 = await start();
      const tab2 = await start(browser, 'acme');
      expect((await finish(tab2)).status).to.equal(200);
      expect((await finish(tab1)).status).to.equal(200);
      expect(provider.tokenRequests.map((t) => t.domain)).to.deep.equal(['acme', 'demo']);
    });

    it('a denied consent uses up its state', async () => {
      const state = await start();
      const denied = await browser.send(
        app.url,
        'GET',
        `/callback?error=access_denied&state=${encodeURIComponent(state)}`,
      );
      expect(denied.status).to.equal(403);
      expect((await finish(state)).status).to.equal(403);
      expect(provider.tokenRequests).to.have.length(0);
    });

    it('honours maxPending and ttl given to the store', async () => {
      const small = await startCallbackApp({
        baseURL: provider.baseURL,
        queryParser: 'simple',
        store,
        maxPending: 2,
        ttl: MINUTE,
      });
      try {
        const go = async (): Promise<string> => {
          const res = await browser.send(small.url, 'GET', '/login?account=demo');
          return new URL(res.location!).searchParams.get('state')!;
        };
        const done = (state: string): Promise<BrowserResponse> =>
          browser.send(small.url, 'GET', `/callback?code=x&state=${encodeURIComponent(state)}`);
        const [a, b, c] = [await go(), await go(), await go()];
        expect((await done(a)).status).to.equal(403);
        expect((await done(c)).status).to.equal(200);
        advanceClock(MINUTE);
        expect((await done(b)).status).to.equal(403);
        expect(provider.tokenRequests).to.have.length(1);
      } finally {
        await small.close();
      }
    });

    if (store === 'session')
      it('completes both tabs without keepSessionInfo, though passport regenerates the session at login', async () => {
        const strict = await startCallbackApp({
          baseURL: provider.baseURL,
          queryParser: 'simple',
          keepSessionInfo: false,
        });
        try {
          const go = async (): Promise<string> => {
            const res = await browser.send(strict.url, 'GET', '/login?account=demo');
            return new URL(res.location!).searchParams.get('state')!;
          };
          const done = (state: string): Promise<BrowserResponse> =>
            browser.send(strict.url, 'GET', `/callback?code=x&state=${encodeURIComponent(state)}`);
          const [tab1, tab2] = [await go(), await go()];
          expect((await done(tab2)).status).to.equal(200);
          expect((await done(tab1)).status).to.equal(200);
          // Only the pending logins are carried over: the first login's state stays used.
          expect((await done(tab2)).status).to.equal(403);
        } finally {
          await strict.close();
        }
      });

    it('lets only one of two simultaneous callbacks with the same state exchange the code', async () => {
      // A double click or a retried callback: both requests load the session (or carry the cookie)
      // before either one's response is back.
      for (let i = 0; i < 10; i++) {
        const state = await start();
        const before = provider.tokenRequests.length;
        const both = await Promise.all([finish(state), finish(state)]);
        expect(both.map((r) => r.status).sort()).to.deep.equal([200, 403]);
        expect(provider.tokenRequests.length - before).to.equal(1);
      }
    });
  });
}
