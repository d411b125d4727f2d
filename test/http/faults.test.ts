/**
 * The fault matrix: every call the package makes to Agile CRM (token exchange, profile during an
 * OAuth login, profile during an API-key login, refresh, revoke, an API client request) against
 * every failure the emulator can inject, plus a refused connection.
 *
 * Each cell ends in exactly one clear, typed error (or failed login) delivered once, well within
 * its bound, or, for UTF-8 split across chunks, in success with the exact text. Throughout, the
 * event loop stays responsive, nothing crashes, and no log line, page, error message or
 * serialized error contains the client secret, an access or refresh token, or an API key.
 */
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { createEmulator, FAULT_KINDS, type RunningEmulator } from '../../lib/testing';
import { AgileCRMClient } from '../../lib/client/client';
import { contactFirstName } from '../../lib/client/contacts';
import {
  AgileCRMAPIError,
  AgileCRMRequestError,
  AgileCRMResponseError,
} from '../../lib/http/errors';
import type { TokenSet } from '../../lib/oauth/token-endpoint';
import { MULTIBYTE_NAME, QUOTA_MESSAGE } from '../../lib/testing/faults';
import type { FaultKind, FaultRoute } from '../../lib/testing/types';
import { freePort } from '../support/redis-server';
import { Browser, closeBrowserSockets, type BrowserResponse } from '../support/browser';
import { startCallbackApp, type CallbackApp, type Delivery } from '../support/callback-app';
import { captureOutput } from '../support/capture';

const TIMEOUT_MS = 300;
/** A cell that has not settled by then is a hang: far beyond the TIMEOUT_MS bound. */
const HANG_GUARD_MS = 5_000;
const CLIENT_ID = 'matrix-client';
const CLIENT_SECRET = 'matrix-client-secret-7f3a9c1e';
const API_KEY = 'matrix-api-key-91be4d2a';
const EMAIL = 'dana@demo.example';
const DOMAIN = 'demo';

type Fault = 'refused' | FaultKind;
const FAULTS: Fault[] = ['refused', ...FAULT_KINDS];

/** What a cell produced: an error, or a value (for success), plus anything shown to a user. */
interface Result {
  error?: unknown;
  value?: unknown;
  pages: string[];
}

interface Call {
  name: string;
  route: FaultRoute;
  run(fault: Fault): Promise<Result>;
  /** The success a split-UTF-8 answer must produce. */
  checkSuccess(value: unknown, pages: string[]): void;
  /** Faults this call shrugs off by design (revocation ignores a 2xx body). */
  succeedsOn?: Fault[];
}

describe('fault matrix: every provider call × every fault', function () {
  this.timeout(60_000);

  let emu: RunningEmulator;
  let closed: string;
  let app: CallbackApp;
  let appRefused: CallbackApp;
  let appProfileRefused: CallbackApp;
  let loop: IntervalHistogram;
  const secrets = new Set<string>([CLIENT_SECRET, API_KEY]);
  const texts: string[] = [];
  const elapsed: Record<string, number> = {};
  const crashes: unknown[] = [];
  const onCrash = (err: unknown): void => {
    crashes.push(err);
  };
  const logError = (err: unknown): void => console.error('Login failed:', err);

  before(async () => {
    emu = await createEmulator({
      accounts: [
        {
          domain: DOMAIN,
          users: [{ email: EMAIL, name: 'Dana Demo', apiKey: API_KEY }],
          contacts: 3,
        },
      ],
      clients: [{ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    }).listen();
    closed = `http://127.0.0.1:${await freePort()}/{domain}`;
    const common = {
      queryParser: 'simple' as const,
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      timeout: TIMEOUT_MS,
      onError: logError,
    };
    app = await startCallbackApp({ ...common, baseURL: emu.baseURL, revokeURL: emu.revokeURL });
    appRefused = await startCallbackApp({
      ...common,
      baseURL: closed,
      revokeURL: `${closed}/oauth/revoke`,
    });
    appProfileRefused = await startCallbackApp({
      ...common,
      baseURL: emu.baseURL,
      profileURL: `${closed}/dev/api/users/current-user`,
    });
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
  });

  after(async () => {
    loop?.disable();
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    await app?.close();
    await appRefused?.close();
    await appProfileRefused?.close();
    await emu?.close();
    closeBrowserSockets();
  });

  afterEach(() => emu.clearFaults());

  /** Logs in for real and returns the tokens, remembered as secrets. */
  async function freshTokens(): Promise<TokenSet> {
    const { delivery } = await oauthLogin(app, 'approve');
    const user = delivery.user as { tokens: { accessToken: string; refreshToken: string } };
    remember(user.tokens.accessToken, user.tokens.refreshToken);
    return { ...user.tokens, params: {} };
  }

  function remember(...tokens: (string | undefined)[]): void {
    for (const t of tokens) if (t) secrets.add(t);
  }

  /** Starts a login on `target` and delivers the callback; returns the one delivery. */
  async function oauthLogin(
    target: CallbackApp,
    consent: 'approve' | 'forge-code',
  ): Promise<{ res: BrowserResponse; delivery: Delivery }> {
    const browser = new Browser();
    const start = await browser.send(target.url, 'GET', `/login?account=${DOMAIN}`);
    expect(start.status).to.equal(302);
    const state = new URL(start.location!).searchParams.get('state')!;
    // With Agile CRM unreachable there is no consent page; the code is never checked anyway.
    const back =
      consent === 'approve'
        ? new URL(emu.approve(start.location!))
        : new URL(`/callback?code=unreachable&state=${encodeURIComponent(state)}`, target.url);
    const before = target.deliveries.length;
    const res = await browser.send(target.url, 'GET', back.pathname + back.search);
    // Give a second delivery (from a late socket event) the chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const delivered = target.deliveries.slice(before);
    expect(delivered, 'results delivered for one callback').to.have.length(1);
    return { res, delivery: delivered[0]! };
  }

  async function apiKeyLogin(
    target: CallbackApp,
  ): Promise<{ res: BrowserResponse; delivery: Delivery }> {
    const before = target.deliveries.length;
    const form = new URLSearchParams({ domain: DOMAIN, email: EMAIL, apiKey: API_KEY }).toString();
    const res = await new Browser().send(target.url, 'POST', '/apikey', form);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const delivered = target.deliveries.slice(before);
    expect(delivered, 'results delivered for one API-key login').to.have.length(1);
    return { res, delivery: delivered[0]! };
  }

  function fromDelivery({ res, delivery }: { res: BrowserResponse; delivery: Delivery }): Result {
    return delivery.err
      ? { error: delivery.err, pages: [res.body] }
      : { value: delivery.user, pages: [res.body] };
  }

  async function settle<T>(promise: Promise<T>): Promise<Result> {
    try {
      return { value: await promise, pages: [] };
    } catch (error) {
      return { error, pages: [] };
    }
  }

  const calls: Call[] = [
    {
      name: 'token exchange (OAuth login)',
      route: 'token',
      run: async (fault) =>
        fromDelivery(
          fault === 'refused'
            ? await oauthLogin(appRefused, 'forge-code')
            : await oauthLogin(app, 'approve'),
        ),
      checkSuccess(value, pages) {
        const user = value as {
          tokens: { accessToken: string; refreshToken: string; params: Record<string, unknown> };
        };
        remember(user.tokens.accessToken, user.tokens.refreshToken);
        expect(user.tokens.params['user_name']).to.equal(MULTIBYTE_NAME);
        expect(pages[0]).to.include('Logged in as');
      },
    },
    {
      name: 'profile (OAuth login)',
      route: 'current-user',
      run: async (fault) =>
        fromDelivery(await oauthLogin(fault === 'refused' ? appProfileRefused : app, 'approve')),
      checkSuccess(value, pages) {
        remember((value as { tokens: { accessToken: string } }).tokens.accessToken);
        expect((value as { name: string }).name).to.equal(MULTIBYTE_NAME);
        expect(pages[0]).to.include(`(${MULTIBYTE_NAME})`);
      },
    },
    {
      name: 'profile (API-key login)',
      route: 'current-user',
      run: async (fault) => fromDelivery(await apiKeyLogin(fault === 'refused' ? appRefused : app)),
      checkSuccess(value, pages) {
        expect((value as { name: string }).name).to.equal(MULTIBYTE_NAME);
        expect(pages[0]).to.include(`(${MULTIBYTE_NAME})`);
      },
    },
    {
      name: 'refresh',
      route: 'refresh',
      run: async (fault) => {
        const tokens = await freshTokens();
        const target = fault === 'refused' ? appRefused : app;
        return settle(target.strategy.refresh(tokens.refreshToken!, { domain: DOMAIN }));
      },
      checkSuccess(value) {
        const set = value as TokenSet;
        remember(set.accessToken, set.refreshToken);
        expect(set.params['user_name']).to.equal(MULTIBYTE_NAME);
      },
    },
    {
      name: 'revoke',
      route: 'revoke',
      run: async (fault) => {
        const tokens = await freshTokens();
        const target = fault === 'refused' ? appRefused : app;
        return settle(
          target.strategy.revoke(tokens.accessToken, {
            domain: DOMAIN,
            tokenTypeHint: 'access_token',
          }),
        );
      },
      checkSuccess(value) {
        expect(value).to.equal(undefined);
      },
      succeedsOn: ['truncated-json'],
    },
    {
      name: 'API client request (contacts)',
      route: 'contacts',
      run: async (fault) => {
        const tokens = await freshTokens();
        const client = new AgileCRMClient(
          { domain: DOMAIN, accessToken: tokens.accessToken },
          { baseURL: fault === 'refused' ? closed : emu.baseURL, timeout: TIMEOUT_MS },
        );
        const result = await settle(client.listContacts({ pageSize: 3 }));
        texts.push(JSON.stringify(client), inspect(client, { depth: Infinity, showHidden: true }));
        return result;
      },
      checkSuccess(value) {
        const page = value as { contacts: Parameters<typeof contactFirstName>[0][] };
        expect(page.contacts.map((c) => contactFirstName(c))).to.include(MULTIBYTE_NAME);
      },
    },
  ];

  for (const call of calls) {
    describe(call.name, () => {
      for (const fault of FAULTS) {
        it(fault, async () => {
          if (fault !== 'refused') emu.fault(call.route, fault);
          const capture = captureOutput({ quiet: true });
          const started = performance.now();
          let result: Result;
          try {
            result = await withinGuard(call.run(fault), `${call.name} × ${fault}`);
          } finally {
            capture.stop();
            texts.push(...capture.lines);
          }
          elapsed[`${call.name} × ${fault}`] = Math.round(performance.now() - started);
          texts.push(...result.pages);
          if (result.error !== undefined) texts.push(...serialized(result.error));

          if (fault === 'split-utf8' || call.succeedsOn?.includes(fault)) {
            expect(result.error, explain(result.error)).to.equal(undefined);
            if (fault === 'split-utf8') call.checkSuccess(result.value, result.pages);
            return;
          }
          expect(result.error, `${call.name} must fail on ${fault}`).not.to.equal(undefined);
          checkError(fault, result.error);
          // An error logged by the app is one line per failure, not a storm.
          const logged = capture.lines.filter((l) => l.startsWith('Login failed:'));
          expect(logged.length).to.be.at.most(1);
        });
      }
    });
  }

  describe('beyond the emulator: a raw misbehaving server', () => {
    const behaviours: { name: string; serve: RawBehaviour; check(err: unknown): void }[] = [
      {
        name: 'a body that trickles in: the deadline covers the whole body, not each chunk',
        serve: (socket) => {
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{');
          const drip = setInterval(() => socket.write(' '), 50);
          socket.on('close', () => clearInterval(drip));
        },
        check: (err) => {
          expect(err, explain(err)).to.be.instanceOf(AgileCRMRequestError);
          expect((err as AgileCRMRequestError).reason).to.equal('timeout');
        },
      },
      {
        name: 'a chunked body over the cap without content-length',
        serve: (socket) => {
          socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n');
          const chunk = Buffer.alloc(64 * 1024, 'x');
          const pump = (): void => {
            if (socket.destroyed) return;
            socket.write(`${chunk.length.toString(16)}\r\n`);
            socket.write(chunk);
            socket.write('\r\n', () => setImmediate(pump));
          };
          pump();
        },
        check: (err) => {
          expect(err, explain(err)).to.be.instanceOf(AgileCRMRequestError);
          expect((err as AgileCRMRequestError).reason).to.equal('too_large');
        },
      },
      {
        name: "response headers over Node's size limit",
        serve: (socket) => {
          socket.write(`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(64 * 1024)}\r\n\r\n{}`);
        },
        check: (err) => {
          expect(err, explain(err)).to.be.instanceOf(AgileCRMRequestError);
          expect((err as AgileCRMRequestError).reason).to.equal('network');
        },
      },
      {
        name: 'a connection closed without any answer',
        serve: (socket) => socket.end(),
        check: (err) => {
          expect(err, explain(err)).to.be.instanceOf(AgileCRMRequestError);
          expect((err as AgileCRMRequestError).reason).to.equal('network');
        },
      },
      {
        name: 'not HTTP at all',
        serve: (socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n'),
        check: (err) => {
          expect(err, explain(err)).to.be.instanceOf(AgileCRMRequestError);
          expect((err as AgileCRMRequestError).reason).to.equal('network');
        },
      },
    ];

    for (const behaviour of behaviours) {
      it(behaviour.name, async () => {
        const raw = await startRawServer(behaviour.serve);
        try {
          const client = new AgileCRMClient(
            { domain: DOMAIN, email: EMAIL, apiKey: API_KEY },
            { baseURL: `${raw.url}/{domain}`, timeout: TIMEOUT_MS },
          );
          const result = await withinGuard(settle(client.currentUser()), behaviour.name);
          texts.push(...serialized(result.error));
          behaviour.check(result.error);
        } finally {
          await raw.close();
        }
      });
    }
  });

  // Mocha runs a suite's own tests before its nested suites: this one comes after the matrix.
  describe('afterwards', () => {
    it('kept the event loop responsive, nothing crashed, and no secret leaked anywhere', () => {
      const maxDelayMs = loop.max / 1e6;
      console.log(
        `      figures: event-loop delay max ${maxDelayMs.toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms; ` +
          `slowest cell ${Math.max(...Object.values(elapsed))} ms; cells ${Object.keys(elapsed).length}; ` +
          `texts scanned ${texts.length}; secrets checked ${secrets.size}`,
      );
      // A blocked loop (a synchronous parse of a huge body, a busy wait) shows as a long delay.
      expect(maxDelayMs, 'event loop blocked').to.be.below(1_000);
      expect(crashes).to.deep.equal([]);
      expect(app.duplicateDeliveries).to.deep.equal([]);
      expect(appRefused.duplicateDeliveries).to.deep.equal([]);
      expect(appProfileRefused.duplicateDeliveries).to.deep.equal([]);
      // Tokens were really issued and collected, so the scan below had something to look for.
      expect(secrets.size).to.be.greaterThan(10);
      expect(findSecrets(texts)).to.deep.equal([]);
    });

    it('the secret scan itself finds a leaked token', () => {
      const [token] = [...secrets].slice(-1);
      expect(findSecrets([`oops ${token} in a log line`])).to.have.length(1);
    });
  });

  function findSecrets(haystack: string[]): string[] {
    const found: string[] = [];
    for (const text of haystack) {
      for (const secret of secrets) {
        if (text.includes(secret)) found.push(`${secret.slice(0, 6)}… in: ${text.slice(0, 200)}`);
      }
    }
    return found;
  }
});

function serialized(err: unknown): string[] {
  const out = [inspect(err, { depth: Infinity, showHidden: true }), JSON.stringify(err) ?? ''];
  if (err instanceof Error) out.push(err.message, String(err.stack));
  return out;
}

function explain(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function checkError(fault: Fault, err: unknown): void {
  const text = explain(err);
  switch (fault) {
    case 'refused':
      expect(err, text).to.be.instanceOf(AgileCRMRequestError);
      expect((err as AgileCRMRequestError).reason).to.equal('network');
      expect(text).to.match(/connection refused/);
      break;
    case 'hang':
      expect(err, text).to.be.instanceOf(AgileCRMRequestError);
      expect((err as AgileCRMRequestError).reason).to.equal('timeout');
      expect(text).to.include(`timed out after ${TIMEOUT_MS} ms`);
      break;
    case 'reset':
    case 'reset-mid-body':
      expect(err, text).to.be.instanceOf(AgileCRMRequestError);
      expect((err as AgileCRMRequestError).reason).to.equal('network');
      expect(text).to.match(/failed: /);
      break;
    case 'status-500':
      expect(err, text).to.be.instanceOf(AgileCRMAPIError);
      expect((err as AgileCRMAPIError).status).to.equal(500);
      expect(text).to.include('Internal error');
      break;
    case 'quota':
      expect(err, text).to.be.instanceOf(AgileCRMAPIError);
      expect((err as AgileCRMAPIError).status).to.equal(500);
      expect(text).to.include(QUOTA_MESSAGE);
      break;
    case 'rate-limit':
      expect(err, text).to.be.instanceOf(AgileCRMAPIError);
      expect((err as AgileCRMAPIError).status).to.equal(429);
      expect((err as AgileCRMAPIError).retryAfter).to.equal(3);
      break;
    case 'html':
      expect(err, text).to.be.instanceOf(AgileCRMAPIError);
      expect((err as AgileCRMAPIError).status).to.equal(502);
      // The error page's markup is not quoted into the message.
      expect(text).not.to.match(/<|nginx/);
      break;
    case 'truncated-json':
      expect(err, text).to.be.instanceOf(AgileCRMResponseError);
      expect(text).to.match(/not JSON/);
      break;
    case 'oversize':
      expect(err, text).to.be.instanceOf(AgileCRMRequestError);
      expect((err as AgileCRMRequestError).reason).to.equal('too_large');
      break;
    case 'split-utf8':
      throw new Error('split-utf8 must succeed');
  }
}

type RawBehaviour = (socket: Socket) => void;

/** A TCP server that answers every connection with `serve`, once the request head has arrived. */
async function startRawServer(
  serve: RawBehaviour,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      serve(socket);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function withinGuard<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle: a hang`)), HANG_GUARD_MS);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}
