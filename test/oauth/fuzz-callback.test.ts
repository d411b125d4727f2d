/**
 * Property-based fuzzing of the OAuth callback: thousands of generated login sequences
 * (missing, duplicated and array parameters, huge and unicode values, forged, replayed, foreign
 * and expired states, `error` with odd descriptions) against an Express app using the strategy,
 * with pending logins in the session or in a sealed cookie (no session middleware).
 *
 * Checked on every request: a token request happens exactly when a live pending state of this
 * browser is presented with a well-formed code, at the account stored with that state and with
 * its PKCE verifier; the outcome is the defined one (redirect, failed login, provider error or
 * success); an `error` callback's message is a fixed one unless its state was live (then
 * printable and capped); no unexpected 5xx, no crash; nothing generated is reflected unescaped.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { Browser, closeBrowserSockets, type BrowserResponse } from '../support/browser';
import { steps, type ParamSpec, type Step, type ValueSpec } from '../support/callback-arbitraries';
import {
  PENDING_STORES,
  startCallbackApp,
  type CallbackApp,
  type Outcome,
  type PendingStoreKind,
} from '../support/callback-app';
import { advanceClock, restoreClock } from '../support/clock';
import { startFakeProvider, type FakeProvider } from './support/fake-provider';
import {
  decoded,
  encodeParams,
  parsedValue,
  type Parsed,
  type ResolvedParam,
  fitURL,
  isWellFormedCode,
} from '../support/params';
import { PendingModel } from './support/pending-model';

const NUM_RUNS = 2000;
const TIME_BUDGET_MS = 90_000;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** What an error callback without a pending login of its session may say. */
const FIXED_MESSAGES = [
  'Access to Agile CRM was denied.',
  'Agile CRM refused the login.',
  'Malformed authorization response from Agile CRM.',
  ...[
    'invalid_request',
    'unauthorized_client',
    'unsupported_response_type',
    'invalid_scope',
    'server_error',
    'temporarily_unavailable',
  ].map((code) => `Agile CRM refused the login: ${code}`),
];

type Parser = 'simple' | 'extended';
type AppKey = `${Parser}/${PendingStoreKind}`;
const PARSERS: readonly Parser[] = ['simple', 'extended'];

interface Figures {
  runs: number;
  requests: number;
  tokenRequests: number;
  logins: number;
  outcomes: Record<string, number>;
  rejectedByHttpServer: number;
  payloadsSent: number;
  errorCallbacks: { pending: number; other: number };
}

describe('fuzzed OAuth callbacks (property-based)', function () {
  this.timeout(TIME_BUDGET_MS + 60_000);

  let provider: FakeProvider;
  const apps = new Map<AppKey, CallbackApp>();
  const figures: Figures = {
    runs: 0,
    requests: 0,
    tokenRequests: 0,
    logins: 0,
    outcomes: {},
    rejectedByHttpServer: 0,
    payloadsSent: 0,
    errorCallbacks: { pending: 0, other: 0 },
  };
  const crashes: unknown[] = [];
  const onCrash = (err: unknown): void => {
    crashes.push(err);
  };

  before(async () => {
    provider = await startFakeProvider();
    for (const queryParser of PARSERS) {
      for (const store of PENDING_STORES) {
        const app = await startCallbackApp({ baseURL: provider.baseURL, queryParser, store });
        apps.set(`${queryParser}/${store}`, app);
      }
    }
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
  });

  after(async () => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    restoreClock();
    for (const app of apps.values()) await app.close();
    await provider?.close();
    closeBrowserSockets();
    console.log(`      figures: ${JSON.stringify(figures)}`);
  });

  afterEach(() => restoreClock());

  it('never exchanges a code without a live pending state, and every outcome is a defined one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PARSERS),
        fc.constantFrom(...PENDING_STORES),
        steps,
        async (parser, store, seq) => {
          figures.runs += 1;
          await runSequence(apps.get(`${parser}/${store}`)!, parser, seq);
        },
      ),
      {
        numRuns: NUM_RUNS,
        plugins: [fc.interruptAfterTimeLimit(TIME_BUDGET_MS)],
      },
    );
    expect(crashes, 'uncaught errors or unhandled rejections').to.deep.equal([]);
    for (const [key, app] of apps) expect(app.unexpectedErrors, key).to.deep.equal([]);
    // A run interrupted by the time budget still has to have covered a meaningful number.
    expect(figures.runs).to.be.greaterThan(Math.min(NUM_RUNS, 300));
    expect(figures.logins, 'some generated callbacks must complete a login').to.be.greaterThan(0);
  });

  async function runSequence(app: CallbackApp, parser: Parser, seq: Step[]): Promise<void> {
    const browser = new Browser();
    const other = new Browser();
    const model = new PendingModel();
    const foreign: string[] = [];
    const payloads: string[] = [];
    // Each run starts its own clock; minutes advanced here are undone before the next run.
    restoreClock();

    for (const step of seq) {
      switch (step.kind) {
        case 'advance':
          model.now += step.minutes;
          advanceClock(step.minutes * 60_000);
          break;
        case 'foreign-start': {
          const res = await other.send(app.url, 'GET', '/login?account=demo');
          figures.requests += 1;
          expect(res.status).to.equal(302);
          foreign.push(stateOf(res));
          break;
        }
        case 'start':
          await start(app, parser, browser, model, step.account, payloads);
          break;
        case 'callback':
          await callback(app, parser, browser, model, foreign, step, payloads);
          break;
      }
    }
  }

  async function start(
    app: CallbackApp,
    parser: Parser,
    browser: Browser,
    model: PendingModel,
    account: ParamSpec | undefined,
    payloads: string[],
  ): Promise<void> {
    const params = fitURL(account ? [resolve(account, model, [], payloads)] : []);
    const query = encodeParams(params);
    const res = await browser.send(app.url, 'GET', `/login${query ? `?${query}` : ''}`);
    figures.requests += 1;
    if (rejectedBeforeApp(res)) return;
    checkNoReflection(res, payloads);
    const parsed = parsedValue(params, 'account', parser);
    const domain = parsed?.kind === 'string' ? parsed.value.toLowerCase() : undefined;
    if (domain === undefined || !DNS_LABEL.test(domain)) {
      expectOutcome(res, 'fail');
      expect(res.status).to.equal(400);
      return;
    }
    expectOutcome(res, 'redirect');
    expect(res.status).to.equal(302);
    const location = new URL(res.location!);
    // The authorization request goes to the requested account's endpoint, and nowhere else.
    expect(location.origin + location.pathname).to.equal(
      provider.baseURL.replace('{domain}', domain) + '/oauth/authorize',
    );
    expect(location.searchParams.get('code_challenge_method')).to.equal('S256');
    model.save({
      handle: stateOf(res),
      domain,
      challenge: location.searchParams.get('code_challenge')!,
    });
  }

  async function callback(
    app: CallbackApp,
    parser: Parser,
    browser: Browser,
    model: PendingModel,
    foreign: string[],
    step: Extract<Step, { kind: 'callback' }>,
    payloads: string[],
  ): Promise<void> {
    const resolved = step.params.map((p) => ({
      spec: p,
      param: resolve(p, model, foreign, payloads),
    }));
    const inQuery = resolved
      .filter(({ spec }) => step.method === 'GET' || spec.where === 'query')
      .map(({ param }) => param);
    const inBody = resolved
      .filter(({ spec }) => step.method === 'POST' && spec.where === 'body')
      .map(({ param }) => param);
    fitURL(inQuery);
    const query = encodeParams(inQuery);
    const path = `/callback${query ? `?${query}` : ''}`;
    const before = provider.tokenRequests.length;
    const res = await browser.send(
      app.url,
      step.method,
      path,
      step.method === 'POST' ? encodeParams(inBody) : undefined,
    );
    figures.requests += 1;
    const made = provider.tokenRequests.slice(before);
    figures.tokenRequests += made.length;
    if (rejectedBeforeApp(res)) {
      expect(made, 'a request rejected by the HTTP server made a token request').to.have.length(0);
      return;
    }
    checkNoReflection(res, payloads);

    const q = (key: string): Parsed => parsedValue(inQuery, key, parser);
    const b = (key: string): Parsed => parsedValue(inBody, key, parser);
    const error = q('error');
    if (error !== undefined) {
      // The provider reported an error: the login ends and its state (if any) is used up.
      const state = q('state');
      const live =
        state?.kind === 'string' && state.value !== '' ? model.take(state.value) : undefined;
      expect(made).to.have.length(0);
      if (error.kind !== 'string') {
        expectOutcome(res, 'fail');
        expect(res.status).to.equal(400);
      } else if (error.value === 'access_denied') {
        expectOutcome(res, 'fail');
        expect(res.status).to.equal(403);
      } else {
        expectOutcome(res, 'authorization-error');
      }
      checkFailureMessage(app, live !== undefined);
      return;
    }
    const code = q('code') ?? b('code');
    const state = q('state') ?? b('state');
    if (!isWellFormedCode(code)) {
      expect(made).to.have.length(0);
      expectOutcome(res, 'fail');
      expect(res.status).to.equal(400);
      return;
    }
    if (state?.kind !== 'string' || state.value === '') {
      expect(made).to.have.length(0);
      expectOutcome(res, 'fail');
      expect(res.status).to.equal(403);
      return;
    }
    const login = model.take(state.value);
    if (login === undefined) {
      expect(
        made,
        'token request made for a forged, used, foreign or expired state',
      ).to.have.length(0);
      expectOutcome(res, 'fail');
      expect(res.status).to.equal(403);
      return;
    }
    expect(
      made,
      'a live state with a well-formed code must reach the token endpoint once',
    ).to.have.length(1);
    const [token] = made;
    expect(token!.domain).to.equal(login.domain);
    expect(token!.params['grant_type']).to.equal('authorization_code');
    expect(token!.params['client_id']).to.equal('fuzz-client');
    expect(token!.params['redirect_uri']).to.equal(`${app.url}/callback`);
    if (code.value !== '\u0000raw') expect(token!.params['code']).to.equal(code.value);
    const verifier = token!.params['code_verifier'] ?? '';
    expect(createHash('sha256').update(verifier).digest('base64url')).to.equal(login.challenge);
    expectOutcome(res, 'success');
    expect(res.status).to.equal(200);
    figures.logins += 1;
  }

  function resolve(
    spec: ParamSpec,
    model: PendingModel,
    foreign: string[],
    payloads: string[],
  ): ResolvedParam {
    const raw = spec.values.find((v) => v.t === 'raw');
    const values = spec.values.map((v) => value(v, model, foreign, payloads));
    return { key: spec.key, form: spec.form, values, ...(raw ? { raw: raw.v } : {}) };
  }

  function value(v: ValueSpec, model: PendingModel, foreign: string[], payloads: string[]): string {
    switch (v.t) {
      case 'text':
        return decoded(v.v);
      case 'raw':
        return v.v;
      case 'payload':
        payloads.push(v.v);
        figures.payloadsSent += 1;
        return v.v;
      case 'foreign':
        return foreign.length === 0 ? 'no-foreign-state-yet' : foreign[v.i % foreign.length]!;
      case 'own': {
        if (model.issued.length === 0) return 'no-state-issued-yet';
        const handle = model.issued[v.i % model.issued.length]!.handle;
        if (v.alter === 'upper') return handle.toUpperCase();
        if (v.alter === 'truncate') return handle.slice(0, -1);
        if (v.alter === 'suffix') return `${handle}A`;
        return handle;
      }
    }
  }

  /** Node's HTTP server answers over-long request lines itself (431) before the app runs. */
  function rejectedBeforeApp(res: BrowserResponse): boolean {
    if (res.headers['x-outcome'] !== undefined) return false;
    expect(res.status, `no app outcome; body: ${res.body.slice(0, 200)}`).to.be.within(400, 499);
    figures.rejectedByHttpServer += 1;
    return true;
  }

  function expectOutcome(res: BrowserResponse, outcome: Outcome): void {
    figures.outcomes[outcome] = (figures.outcomes[outcome] ?? 0) + 1;
    expect(res.headers['x-outcome'], `status ${res.status}: ${res.body.slice(0, 300)}`).to.equal(
      outcome,
    );
    if (outcome !== 'authorization-error') expect(res.status).to.be.below(500);
  }

  /**
   * The message an error callback ends with: one of the fixed ones unless its state named a
   * pending login of this session; even then printable and at most 200 characters and `…`.
   */
  function checkFailureMessage(app: CallbackApp, pending: boolean): void {
    const delivery = app.deliveries[app.deliveries.length - 1]!;
    const message =
      delivery.err instanceof Error
        ? delivery.err.message
        : String((delivery.info as { message?: unknown } | undefined)?.message);
    figures.errorCallbacks[pending ? 'pending' : 'other'] += 1;
    if (!pending) {
      expect(message, 'text from an untrusted error callback was shown').to.satisfy(
        (m: string) =>
          FIXED_MESSAGES.includes(m) || /^Agile CRM refused the login: [a-z_]+$/.test(m),
      );
      return;
    }
    expect(Array.from(message).length).to.be.at.most(201);
    expect(message).not.to.match(/\p{Cc}/u);
  }

  function checkNoReflection(res: BrowserResponse, payloads: string[]): void {
    const text = `${JSON.stringify(res.headers)}\n${res.body}`;
    for (const p of payloads)
      expect(text, 'generated markup reflected unescaped').not.to.include(p);
    expect(res.body).not.to.match(/<(script|img|svg|h1|a href="javascript)/i);
  }
});

function stateOf(res: BrowserResponse): string {
  const state = new URL(res.location!).searchParams.get('state');
  expect(state, 'authorization redirect without state').to.be.a('string').and.not.equal('');
  return state!;
}
