/**
 * The fault matrix through the example app: each place the app talks to Agile CRM (the OAuth
 * token exchange and profile at login, the API-key login, the contacts on the profile page, the
 * token refresh behind it, the revocation at logout) against every injected fault and a refused
 * connection. Each shows the app's friendly error page with the right status and a retry link
 * (logout always completes), the user stays logged in where they were, the app stays up, the
 * event loop stays responsive, and no page or log line holds a secret.
 *
 * The app reaches the emulator through a proxy that can refuse connections on demand and that
 * records every token issued, so the secret scan knows what to look for.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { expect } from 'chai';
import type request from 'supertest';
import { createEmulator, FAULT_KINDS, type RunningEmulator } from '../../lib/testing';
import { MULTIBYTE_NAME } from '../../lib/testing/faults';
import type { FaultKind, FaultRoute } from '../../lib/testing/types';
import { configFor, formField, startApp, tempDir, type RunningApp } from './support/app';
import { captureOutput } from '../support/capture';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy';

const TIMEOUT_MS = 300;

type Fault = 'refused' | FaultKind;
const FAULTS: Fault[] = ['refused', ...FAULT_KINDS];

const NOT_REACHABLE = { status: 502, title: 'Agile CRM is not reachable' };
const TROUBLE = { status: 502, title: 'Agile CRM is having trouble' };
const BUSY = { status: 503, title: 'Agile CRM is busy' };
const UNREADABLE = { status: 502, title: 'Agile CRM sent an unexpected answer' };
const PAGE_FOR: Record<Exclude<Fault, 'split-utf8'>, { status: number; title: string }> = {
  refused: NOT_REACHABLE,
  hang: NOT_REACHABLE,
  reset: NOT_REACHABLE,
  'reset-mid-body': NOT_REACHABLE,
  oversize: NOT_REACHABLE,
  'status-500': TROUBLE,
  html: TROUBLE,
  quota: BUSY,
  'rate-limit': BUSY,
  'truncated-json': UNREADABLE,
};

type Agent = ReturnType<typeof request.agent>;

interface Flow {
  name: string;
  route: FaultRoute;
  /** Whether a refused connection can be aimed at this call alone. */
  refusable: boolean;
  /** Where the error page's "Try again" goes. */
  retry: string;
  /** Prepares a browser (logged in where the flow needs it). */
  prepare(): Promise<Agent>;
  /** The request that meets the fault. */
  act(agent: Agent): Promise<request.Response>;
  /** What a split-UTF-8 answer must lead to. */
  checkSuccess(agent: Agent, res: request.Response): Promise<void>;
  /** After a failure, with the fault gone: the user's state is as promised. */
  checkAfter?(agent: Agent): Promise<void>;
}

describe('fault matrix through the example app', function () {
  this.timeout(60_000);

  let emu: RunningEmulator;
  let proxy: CountingProxy;
  let app: RunningApp;
  let tmp: ReturnType<typeof tempDir>;
  let loop: IntervalHistogram;
  const texts: string[] = [];

  before(async () => {
    emu = await createEmulator().listen();
    proxy = await startCountingProxy(emu.url);
    tmp = tempDir();
    const base = configFor(emu, tmp.dir);
    app = await startApp({
      ...base,
      agilecrm: {
        ...base.agilecrm,
        baseURL: `${proxy.url}/{domain}`,
        revokeURL: `${proxy.url}/{domain}/oauth/revoke`,
        timeout: TIMEOUT_MS,
      },
    });
    loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
  });

  after(async () => {
    loop?.disable();
    await app?.close();
    await proxy?.close();
    await emu?.close();
    tmp?.remove();
  });

  afterEach(async () => {
    emu.clearFaults();
    await proxy.accept().catch(() => undefined);
  });

  /** Starts a login and consents; returns the callback path and query. */
  async function consent(agent: Agent): Promise<string> {
    const start = await agent.get('/auth/agilecrm?account=demo').expect(302);
    // The app knows the emulator by the proxy's address; consent is given in-process.
    const authorize = new URL(start.headers['location'] as string);
    authorize.port = new URL(emu.url).port;
    const back = new URL(emu.approve(authorize.href));
    return back.pathname + back.search;
  }

  async function loggedIn(): Promise<Agent> {
    const agent = app.agent();
    await agent.get(await consent(agent)).expect(303);
    return agent;
  }

  async function apiKeyForm(agent: Agent): Promise<Record<string, string>> {
    const home = await agent.get('/').expect(200);
    const user = emu.accounts.find((a) => a.domain === 'demo')!.users[0]!;
    return {
      _csrf: formField(home.text, '_csrf'),
      domain: 'demo',
      email: user.email,
      apiKey: user.apiKey,
    };
  }

  async function profileName(agent: Agent): Promise<string | undefined> {
    const page = await agent.get('/profile').expect(200);
    texts.push(page.text);
    return /<h1>([^<]*)<\/h1>/.exec(page.text)?.[1];
  }

  const stillLoggedIn = async (agent: Agent): Promise<void> => {
    expect(await profileName(agent)).to.equal('Dana Demo');
  };

  const pendingCallback = new WeakMap<Agent, string>();
  const pendingForm = new WeakMap<Agent, Record<string, string>>();
  // Both OAuth cells consent first, then fault the callback request.
  const oauthCallback: Pick<Flow, 'prepare' | 'act'> = {
    async prepare() {
      const agent = app.agent();
      pendingCallback.set(agent, await consent(agent));
      return agent;
    },
    act: (agent) => agent.get(pendingCallback.get(agent)!),
  };
  const flows: Flow[] = [
    {
      name: 'OAuth login: token exchange',
      route: 'token',
      refusable: true,
      retry: '/',
      ...oauthCallback,
      async checkSuccess(agent, res) {
        expect(res.status).to.equal(303);
        expect(await profileName(agent)).to.equal('Dana Demo');
      },
    },
    {
      name: 'OAuth login: profile',
      route: 'current-user',
      refusable: false,
      retry: '/',
      ...oauthCallback,
      async checkSuccess(agent, res) {
        expect(res.status).to.equal(303);
        expect(await profileName(agent)).to.equal(MULTIBYTE_NAME);
      },
    },
    {
      name: 'API-key login',
      route: 'current-user',
      refusable: true,
      retry: '/',
      async prepare() {
        const agent = app.agent();
        pendingForm.set(agent, await apiKeyForm(agent));
        return agent;
      },
      act: (agent) => agent.post('/auth/apikey').type('form').send(pendingForm.get(agent)!),
      async checkSuccess(agent, res) {
        expect(res.status).to.equal(303);
        expect(await profileName(agent)).to.equal(MULTIBYTE_NAME);
      },
    },
    {
      name: 'profile page: contacts',
      route: 'contacts',
      refusable: true,
      retry: '/profile',
      prepare: loggedIn,
      act: (agent) => agent.get('/profile'),
      async checkSuccess(_agent, res) {
        expect(res.status).to.equal(200);
        expect(res.text).to.include(MULTIBYTE_NAME);
      },
      checkAfter: stillLoggedIn,
    },
    {
      name: 'profile page: token refresh after a 401',
      route: 'refresh',
      // The contacts request comes first and would meet the refused connection instead.
      refusable: false,
      retry: '/profile',
      async prepare() {
        const agent = await loggedIn();
        emu.expireAccessTokens();
        return agent;
      },
      act: (agent) => agent.get('/profile'),
      async checkSuccess(_agent, res) {
        expect(res.status).to.equal(200);
        expect(res.text).to.include('Dana Demo');
      },
      checkAfter: stillLoggedIn,
    },
  ];

  for (const flow of flows) {
    describe(flow.name, () => {
      for (const fault of FAULTS) {
        if (fault === 'refused' && !flow.refusable) continue;
        it(fault, async () => {
          const agent = await flow.prepare();
          if (fault === 'refused') await proxy.refuse();
          else emu.fault(flow.route, fault);
          const capture = captureOutput({ quiet: true });
          let res: request.Response;
          try {
            res = await flow.act(agent);
          } finally {
            capture.stop();
            texts.push(...capture.lines);
          }
          texts.push(res.text ?? '');
          emu.clearFaults();
          await proxy.accept().catch(() => undefined);
          if (fault === 'split-utf8') {
            await flow.checkSuccess(agent, res);
            return;
          }
          const expected = PAGE_FOR[fault];
          expect(res.status, res.text?.slice(0, 300)).to.equal(expected.status);
          expectFriendly(res, expected.title, flow.retry);
          await flow.checkAfter?.(agent);
        });
      }
    });
  }

  describe('logout: token revocation', () => {
    for (const fault of FAULTS) {
      it(`${fault}: logs out all the same`, async () => {
        const agent = await loggedIn();
        const page = await agent.get('/profile').expect(200);
        const logged = app.logs.length;
        if (fault === 'refused') await proxy.refuse();
        else emu.fault('revoke', fault);
        const res = await agent
          .post('/logout')
          .type('form')
          .send({ _csrf: formField(page.text, '_csrf') });
        await proxy.accept().catch(() => undefined);
        emu.clearFaults();
        expect(res.status).to.equal(303);
        expect(res.headers['location']).to.equal('/?notice=logged-out');
        await agent.get('/profile').expect(303);
        // Revocation ignores the body of a 2xx answer; every other fault is logged by name.
        const failed = app.logs
          .slice(logged)
          .filter((l) => l.startsWith('Token revocation failed'));
        if (fault === 'split-utf8' || fault === 'truncated-json') expect(failed).to.deep.equal([]);
        else expect(failed[0]).to.match(/^Token revocation failed: AgileCRM\w+Error$/);
      });
    }
  });

  describe('afterwards', () => {
    it('kept the event loop responsive, and no page or log line holds a secret', () => {
      const maxDelayMs = loop.max / 1e6;
      const secrets = new Set([emu.clientSecret, ...proxy.tokens]);
      for (const account of emu.accounts)
        for (const user of account.users) secrets.add(user.apiKey);
      const haystack = [...texts, ...app.logs];
      console.log(
        `      figures: event-loop delay max ${maxDelayMs.toFixed(1)} ms; pages and log lines scanned ${haystack.length}; secrets checked ${secrets.size}`,
      );
      expect(maxDelayMs, 'event loop blocked').to.be.below(1_000);
      expect(proxy.tokens.size, 'tokens were issued and recorded').to.be.greaterThan(20);
      const leaks = haystack.flatMap((text) =>
        [...secrets]
          .filter((s) => text.includes(s))
          .map((s) => `${s.slice(0, 6)}… in ${text.slice(0, 120)}`),
      );
      expect(leaks).to.deep.equal([]);
    });
  });
});

/** A friendly page: its title, a retry link, and nothing that looks like internals. */
function expectFriendly(res: request.Response, title: string, retry: string): void {
  expect(res.type).to.equal('text/html');
  expect(res.text).to.include(`<h1>${title}</h1>`);
  expect(res.text).to.include(`class="button" href="${retry}"`);
  expect(res.text).not.to.match(/\bat .+\.(ts|js):\d+|Error:|AgileCRM\w*Error|TokenError|stack/);
}
