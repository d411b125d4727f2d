/**
 * Property-based check that no secret this package sends comes back in an error, in any form a
 * server could echo it: random secrets drawn from all printable ASCII (client secrets, API keys,
 * access and refresh tokens, authorization codes, PKCE verifiers), echoed by a nock'd Agile CRM
 * as written, percent-encoded (upper- and lower-case escapes), form-encoded (space as `+`), inside
 * a Basic credential (base64 of the raw and of the encoded `id:secret`), or as the whole request
 * body and `Authorization` header it received, in any field of any error status.
 *
 * Checked on every error: `message`, `stack`, `String(err)`, `JSON.stringify(err)` and
 * `util.inspect(err, { depth: Infinity, showHidden: true })` (which shows `cause`) contain no form
 * of any secret, searched also as JSON and `util.inspect` escape it.
 */
import { inspect } from 'node:util';
import type { Request } from 'express';
import { expect } from 'chai';
import fc from 'fast-check';
import nock from 'nock';
import { AgileCRMClient, ApiKeyStrategy, SessionPendingLoginStore, Strategy } from '../../lib';

const NUM_RUNS = 2000;
const TIME_BUDGET_MS = 60_000;
const ORIGIN = 'https://acme.agilecrm.com';
const CLIENT_ID = 'fuzz-client-id';
const EMAIL = 'dana@acme.example';

type Scenario =
  'login' | 'profile' | 'refresh' | 'revoke' | 'client-api-key' | 'client-token' | 'api-key-login';
const SCENARIOS: Scenario[] = [
  'login',
  'profile',
  'refresh',
  'revoke',
  'client-api-key',
  'client-token',
  'api-key-login',
];

/** How the server writes a secret back. */
type Encoding =
  'raw' | 'uri' | 'uri-lower' | 'form' | 'form-plus' | 'basic-raw' | 'basic-uri' | 'basic-form';
const ENCODINGS: Encoding[] = [
  'raw',
  'uri',
  'uri-lower',
  'form',
  'form-plus',
  'basic-raw',
  'basic-uri',
  'basic-form',
];

/** Where in its answer the server puts the echo. */
const FIELDS = [
  'error_description',
  'error',
  'error_uri',
  'exception message',
  'message',
  'detail',
  'key',
  'text/plain',
] as const;

/** A secret: 10 to 40 characters of printable ASCII (tokens: without the space). */
function secret(min: number): fc.Arbitrary<string> {
  return (
    fc
      .string({
        unit: fc.integer({ min, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 10,
        maxLength: 40,
      })
      // A string of few distinct characters could occur in fixed text (a stack's indentation).
      .filter((s) => new Set(s).size >= 5)
  );
}

const anyText = secret(0x20);
const tokenText = secret(0x21);
/** ApiKeyStrategy trims what the user typed, so a key never starts or ends with a space. */
const apiKeyText = anyText.map((s) => `k${s}k`);

const run = fc.record({
  scenario: fc.constantFrom(...SCENARIOS),
  clientSecret: anyText,
  clientAuthentication: fc.constantFrom(
    'client_secret_post',
    'client_secret_basic',
  ) as fc.Arbitrary<'client_secret_post' | 'client_secret_basic'>,
  code: anyText,
  verifier: anyText,
  token: tokenText,
  apiKey: apiKeyText,
  echo: fc.array(
    fc.oneof(
      fc.record({ what: fc.constant('secret' as const), encoding: fc.constantFrom(...ENCODINGS) }),
      fc.constantFrom({ what: 'body' as const }, { what: 'authorization' as const }),
    ),
    { minLength: 1, maxLength: 4 },
  ),
  field: fc.constantFrom(...FIELDS),
  asKey: fc.boolean(),
  status: fc.constantFrom(200, 400, 401, 403, 500),
});
type Run = typeof run extends fc.Arbitrary<infer T> ? T : never;

/**
 * A secret the echoing request sends; `user` when it also goes inside a Basic credential. (The
 * profile request of a login sends only the access token.)
 */
interface Sent {
  value: string;
  user?: string;
}

function secretsOf(r: Run): Sent[] {
  const clientSecret = { value: r.clientSecret, user: CLIENT_ID };
  switch (r.scenario) {
    case 'login':
      return [clientSecret, { value: r.code }, { value: r.verifier }];
    case 'refresh':
    case 'revoke':
      return [clientSecret, { value: r.token }];
    case 'client-api-key':
    case 'api-key-login':
      return [{ value: r.apiKey, user: EMAIL }];
    case 'profile':
    case 'client-token':
      return [{ value: r.token }];
  }
}

/**
 * `sent` written as the server echoes it, computed here independently of the library. A secret
 * that never goes into a Basic credential is echoed as written instead of as one.
 */
function encode({ value: text, user }: Sent, encoding: Encoding): string {
  const uri = encodeURIComponent;
  const form = (s: string): string => new URLSearchParams({ s }).toString().slice(2);
  const base64 = (s: string): string => Buffer.from(s).toString('base64');
  switch (encoding) {
    case 'raw':
      return text;
    case 'uri':
      return uri(text);
    case 'uri-lower':
      return uri(text).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    case 'form':
      return form(text);
    case 'form-plus':
      return uri(text).replace(/%20/g, '+');
    default:
      if (user === undefined) return text;
  }
  switch (encoding) {
    case 'basic-raw':
      return base64(`${user}:${text}`);
    case 'basic-uri':
      return base64(`${uri(user)}:${uri(text)}`);
    case 'basic-form':
      return base64(`${form(user)}:${form(text)}`);
  }
}

/** Every form of `text` that must not be found, including as JSON and util.inspect quote it. */
function searchedForms(sent: Sent): string[] {
  const forms = ENCODINGS.map((e) => encode(sent, e));
  const text = sent.value;
  return [...forms, JSON.stringify(text).slice(1, -1), inspect(text).slice(1, -1)];
}

/** What loggers could print of `err`. */
function surfaces(err: unknown): Record<string, string> {
  const e = err as Error;
  return {
    message: String(e.message),
    stack: String(e.stack),
    string: String(err),
    json: JSON.stringify(err) ?? '',
    inspect: inspect(err, { depth: Infinity, showHidden: true }),
  };
}

describe('fuzzed echoes of secrets (property-based)', function () {
  this.timeout(TIME_BUDGET_MS + 30_000);

  const figures = {
    runs: 0,
    errors: 0,
    echoedForms: 0,
    scenarios: {} as Record<string, number>,
    errorNames: {} as Record<string, number>,
  };

  before(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    console.log(`      figures: ${JSON.stringify(figures)}`);
  });

  it('never shows a sent secret, in any form, anywhere in an error', async () => {
    await fc.assert(
      fc.asyncProperty(run, async (r) => {
        figures.runs += 1;
        figures.scenarios[r.scenario] = (figures.scenarios[r.scenario] ?? 0) + 1;
        const secrets = secretsOf(r);
        const err = await runScenario(r, secrets);
        nock.cleanAll();
        if (err === undefined) return;
        figures.errors += 1;
        const name = (err as Error).name;
        figures.errorNames[name] = (figures.errorNames[name] ?? 0) + 1;
        for (const [where, text] of Object.entries(surfaces(err))) {
          for (const s of secrets) {
            for (const form of searchedForms(s)) {
              if (text.includes(form)) {
                expect.fail(
                  `${r.scenario}: ${JSON.stringify(form)} (a form of ${JSON.stringify(s.value)}) in ${where}:\n${text}`,
                );
              }
            }
          }
        }
      }),
      { numRuns: NUM_RUNS, plugins: [fc.interruptAfterTimeLimit(TIME_BUDGET_MS)] },
    );
    expect(figures.runs).to.be.greaterThan(Math.min(NUM_RUNS, 300));
    // Nearly every run must end in an error; only a 200 echo without an OAuth error succeeds.
    expect(figures.errors).to.be.greaterThan(figures.runs / 2);
  });

  /** The echo the server sends: each chosen secret form, the request body or its header. */
  function echoText(r: Run, secrets: Sent[], body: string, authorization: string): string {
    return r.echo
      .map((piece) => {
        figures.echoedForms += 1;
        if (piece.what === 'body') return body;
        if (piece.what === 'authorization') return authorization;
        return secrets.map((s) => encode(s, piece.encoding)).join(' and ');
      })
      .join(' | ');
  }

  /** Intercepts `method path` with an answer that echoes what the request carried. */
  function echoing(r: Run, secrets: Sent[], method: 'get' | 'post', path: string): void {
    nock(ORIGIN)
      .intercept(path, method.toUpperCase())
      .query(true)
      .reply(function (_uri, body) {
        const sent = echoText(
          r,
          secrets,
          typeof body === 'string' ? body : JSON.stringify(body),
          String(this.req.headers['authorization'] ?? ''),
        );
        if (r.field === 'text/plain') {
          return [r.status, `error: ${sent}`, { 'content-type': 'text/plain' }];
        }
        const answer: Record<string, unknown> = { status: String(r.status) };
        if (r.asKey) answer[sent] = 'x';
        answer[r.field] = r.field === 'error_uri' ? `https://docs.example/?q=${sent}` : sent;
        if (r.field === 'error_uri') answer['error'] = 'invalid_request';
        return [r.status, answer, { 'content-type': 'application/json' }];
      });
  }

  function strategy(r: Run): Strategy {
    return new Strategy(
      {
        clientID: CLIENT_ID,
        clientSecret: r.clientSecret,
        clientAuthentication: r.clientAuthentication,
        callbackURL: 'https://app.example/callback',
        domain: 'acme',
        revokeURL: `${ORIGIN}/oauth/revoke`,
        timeout: 2000,
      },
      async (_accessToken, _refreshToken, profile) => ({ id: profile.id }),
    );
  }

  async function runScenario(r: Run, secrets: Sent[]): Promise<unknown> {
    switch (r.scenario) {
      case 'login':
        echoing(r, secrets, 'post', '/oauth/token');
        return callback(strategy(r), r);
      case 'profile':
        nock(ORIGIN).post('/oauth/token').reply(200, { access_token: r.token });
        echoing(r, secrets, 'get', '/dev/api/users/current-user');
        return callback(strategy(r), r);
      case 'refresh':
        echoing(r, secrets, 'post', '/oauth/token');
        return strategy(r)
          .refresh(r.token)
          .then(
            () => undefined,
            (err: unknown) => err,
          );
      case 'revoke':
        echoing(r, secrets, 'post', '/oauth/revoke');
        return strategy(r)
          .revoke(r.token)
          .then(
            () => undefined,
            (err: unknown) => err,
          );
      case 'client-api-key':
      case 'client-token': {
        echoing(r, secrets, 'get', '/dev/api/contacts');
        const client =
          r.scenario === 'client-token'
            ? new AgileCRMClient({ domain: 'acme', accessToken: r.token }, { timeout: 2000 })
            : new AgileCRMClient(
                { domain: 'acme', email: EMAIL, apiKey: r.apiKey },
                { timeout: 2000 },
              );
        return client.request('GET', '/dev/api/contacts').then(
          () => undefined,
          (err: unknown) => err,
        );
      }
      case 'api-key-login':
        echoing(r, secrets, 'get', '/dev/api/users/current-user');
        return apiKeyLogin(r);
    }
  }

  /** The callback of a login whose pending state holds the generated PKCE verifier. */
  async function callback(s: Strategy, r: Run): Promise<unknown> {
    const session: Record<string, unknown> = {};
    const state = await new SessionPendingLoginStore().save(
      { session },
      { domain: 'acme', codeVerifier: r.verifier },
    );
    return settle(s, { query: { code: r.code, state }, session });
  }

  function apiKeyLogin(r: Run): Promise<unknown> {
    const s = new ApiKeyStrategy({ timeout: 2000 }, async (profile) => ({ id: profile.id }));
    return settle(s, { body: { domain: 'acme', email: EMAIL, apiKey: r.apiKey } });
  }

  /** Runs authenticate() as passport does, on a per-request copy; the error, if it ended in one. */
  function settle(s: Strategy | ApiKeyStrategy, req: Record<string, unknown>): Promise<unknown> {
    return new Promise((resolve) => {
      const copy = Object.create(s) as Record<string, unknown> & {
        authenticate(req: Request): void;
      };
      copy['error'] = (err: unknown) => resolve(err);
      for (const other of ['success', 'fail', 'redirect', 'pass'])
        copy[other] = () => resolve(undefined);
      const full = { url: '/callback', headers: { host: 'app.example' }, socket: {}, ...req };
      copy.authenticate(full as unknown as Request);
    });
  }
});
