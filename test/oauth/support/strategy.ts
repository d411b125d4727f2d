/**
 * Shared pieces of the strategy tests: an Express app with sessions and passport around one
 * strategy, the two halves of a login driven through a supertest agent, nock interceptors for
 * Agile CRM's token and current-user endpoints, and direct calls of `strategy.authenticate()`.
 */
import { inspect } from 'node:util';
import express from 'express';
import session from 'express-session';
import nock from 'nock';
import { Passport } from 'passport';
import supertest from 'supertest';
import type { Request } from 'express';
import {
  SessionPendingLoginStore,
  Strategy,
  type AuthenticateOptions,
  type StrategyOptions,
} from '../../../lib';
import type { VerifyAsync, VerifyContext, VerifyFunction } from '../../../lib/oauth/verify';
import { fixture } from '../../support/fixtures';

/** Credentials and tokens used everywhere; none of them may ever show up in an error. */
export const CLIENT_ID = 'test-client-id';
export const CLIENT_SECRET = 'client-secret-0f9e8d7c';
export const ACCESS_TOKEN = 'access-token-1a2b3c4d';
export const REFRESH_TOKEN = 'refresh-token-5e6f7a8b';
export const SECRETS = [CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN];

/** The default account origin for `acme`. */
export const ACME = 'https://acme.agilecrm.com';

export { fixture };

/** The app user the default verify function makes from a profile. */
export interface TestUser {
  id: string;
  domain: string;
  displayName: string;
}

/** Verify function used when a test does not care about verify. */
export const userFromProfile: VerifyAsync = async (_accessToken, _refreshToken, profile) => ({
  id: profile.id,
  domain: profile.domain,
  displayName: profile.displayName,
});

/** A strategy with test credentials, for one `acme` account unless `options` says otherwise. */
// Two overloads, like Strategy's constructor, so that unannotated verify functions are typed.
/* eslint-disable @typescript-eslint/unified-signatures */
export function makeStrategy(options?: Partial<StrategyOptions>, verify?: VerifyContext): Strategy;
export function makeStrategy(options?: Partial<StrategyOptions>, verify?: VerifyFunction): Strategy;
/* eslint-enable @typescript-eslint/unified-signatures */
export function makeStrategy(
  options: Partial<StrategyOptions> = {},
  verify: VerifyFunction = userFromProfile,
): Strategy {
  return new Strategy(
    {
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      callbackURL: '/callback',
      domain: 'acme',
      ...options,
    } as StrategyOptions,
    verify,
  );
}

/** What the app answered for one passport.authenticate() run. */
export interface Outcome {
  outcome: 'success' | 'fail' | 'error';
  user?: Record<string, unknown>;
  info?: Record<string, unknown>;
  error?: {
    name: string;
    message: string;
    code?: unknown;
    status?: unknown;
    /** `JSON.stringify(err)` and `util.inspect(err)`: what loggers would print. */
    json: string;
    inspected: string;
  };
}

/** `{ domain: req.query.tenant }`, as the README shows for per-request accounts. */
export function tenantFromQuery(req: Request): AuthenticateOptions {
  return req.query['tenant'] === undefined ? {} : { domain: req.query['tenant'] };
}

/**
 * An Express app with express-session and its own Passport instance: GET /login starts a login
 * (`?tenant=` becomes the `domain` option), GET /callback finishes it. Both answer the outcome
 * as JSON (a redirect to Agile CRM stays a 302).
 */
export function loginApp(
  strategy: Strategy,
  loginOptions: (req: Request) => AuthenticateOptions = tenantFromQuery,
  callbackOptions: (req: Request) => AuthenticateOptions = () => ({}),
): express.Express {
  const passport = new Passport();
  passport.use(strategy);
  const app = express();
  app.use(session({ secret: 'test session secret', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  const answer =
    (options: (req: Request) => AuthenticateOptions) =>
    (req: Request, res: express.Response, next: express.NextFunction) => {
      passport.authenticate(
        'agilecrm',
        // passport's own type says `state` is a string; this strategy also keeps objects.
        options(req) as Parameters<typeof passport.authenticate>[1],
        (err: unknown, user: unknown, info: unknown, status: unknown) => {
          if (err) {
            res.status(500).json({ outcome: 'error', error: describeError(err) });
          } else if (!user) {
            res.status(typeof status === 'number' ? status : 401).json({ outcome: 'fail', info });
          } else {
            res.json({ outcome: 'success', user, info });
          }
        },
      )(req, res, next);
    };
  app.get('/login', answer(loginOptions));
  app.get('/callback', answer(callbackOptions));
  return app;
}

function describeError(err: unknown): Outcome['error'] {
  const e = err as Error & { code?: unknown; status?: unknown };
  return {
    name: e.name,
    message: e.message,
    code: e.code,
    status: e.status,
    json: JSON.stringify(err) ?? '',
    inspected: inspect(err, { depth: 5 }),
  };
}

/**
 * An app that leaves failures to passport itself, as most apps do: GET /callback has
 * `failureRedirect: '/login-failed'` and `failureMessage: true`, and GET /login-failed answers
 * the messages passport kept in the session, as JSON.
 */
export function failureRedirectApp(strategy: Strategy): express.Express {
  const passport = new Passport();
  passport.use(strategy);
  const app = express();
  app.use(session({ secret: 'test session secret', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.get('/login', passport.authenticate('agilecrm'));
  app.get(
    '/callback',
    passport.authenticate('agilecrm', { failureRedirect: '/login-failed', failureMessage: true }),
    (_req, res) => {
      res.send('logged in');
    },
  );
  app.get('/login-failed', (req, res) => {
    res.json((req.session as { messages?: string[] }).messages ?? []);
  });
  return app;
}

/**
 * A cookie-keeping client for `app`. supertest serves each request on a new port, so a fixed
 * Host keeps the relative callbackURL (and so redirect_uri) the same from login to callback.
 */
export function agentFor(app: express.Express): supertest.Agent {
  return supertest.agent(app).set('Host', 'app.test');
}

/** A login started at GET /login: where the browser is sent, and the state in that URL. */
export interface StartedLogin {
  location: URL;
  state: string;
}

/** GET /login{query} and expect a redirect to Agile CRM. */
export async function startLogin(agent: supertest.Agent, query = ''): Promise<StartedLogin> {
  const res = await agent.get(`/login${query}`).expect(302);
  const location = new URL(res.headers['location'] as string);
  const state = location.searchParams.get('state');
  if (state === null) throw new Error(`no state in ${location.href}`);
  return { location, state };
}

/** GET /callback with `params` (Agile CRM redirecting the browser back) and return the outcome. */
export async function finishLogin(
  agent: supertest.Agent,
  params: Record<string, string>,
): Promise<{ status: number; body: Outcome }> {
  const res = await agent.get(`/callback?${new URLSearchParams(params).toString()}`);
  return { status: res.status, body: res.body as Outcome };
}

/** A request seen by a nock interceptor. */
export interface Seen {
  headers: Record<string, string>;
  form: URLSearchParams;
}

/** Intercepts one token request to `origin` and records it. */
export function mockToken(
  origin = ACME,
  reply: Record<string, unknown> = {
    access_token: ACCESS_TOKEN,
    refresh_token: REFRESH_TOKEN,
    token_type: 'bearer',
    expires_in: 3600,
  },
  status = 200,
): { scope: nock.Scope; seen: Seen[] } {
  const seen: Seen[] = [];
  const scope = nock(origin)
    .post('/oauth/token')
    .reply(function (_uri, body) {
      seen.push({ headers: this.req.headers, form: new URLSearchParams(String(body)) });
      return [status, reply];
    });
  return { scope, seen };
}

/** Intercepts one current-user request to `origin`, answering `body` (a fixture's text). */
export function mockProfile(
  origin = ACME,
  body = fixture('agilecrm-readme-owner.json'),
  status = 200,
  contentType = 'application/json',
): { scope: nock.Scope; seen: Seen[] } {
  const seen: Seen[] = [];
  const scope = nock(origin)
    .get('/dev/api/users/current-user')
    .reply(function () {
      seen.push({ headers: this.req.headers, form: new URLSearchParams() });
      return [status, body, { 'content-type': contentType }];
    });
  return { scope, seen };
}

/** A complete login: start, then come back with `code` and the state Agile CRM returns. */
export async function login(
  agent: supertest.Agent,
  query = '',
  code = 'auth-code-1',
): Promise<{ started: StartedLogin; status: number; body: Outcome }> {
  const started = await startLogin(agent, query);
  const done = await finishLogin(agent, { code, state: started.state });
  return { started, ...done };
}

/** Everything one direct `strategy.authenticate()` call did. */
export interface Action {
  kind: 'success' | 'fail' | 'error' | 'redirect' | 'pass';
  args: unknown[];
}

/**
 * Calls `authenticate()` on a per-request copy the way passport does, resolving with the first
 * action; `actions` keeps collecting so a test can check that only one was taken.
 */
export function authenticateDirectly(
  strategy: Strategy,
  req: Record<string, unknown>,
  options: AuthenticateOptions = {},
): { first: Promise<Action>; actions: Action[] } {
  const actions: Action[] = [];
  const first = new Promise<Action>((resolve) => {
    const copy = Object.create(strategy) as Strategy & Record<string, unknown>;
    for (const kind of ['success', 'fail', 'error', 'redirect', 'pass'] as const) {
      copy[kind] = (...args: unknown[]) => {
        actions.push({ kind, args });
        resolve({ kind, args });
      };
    }
    // What the strategy reads to resolve a relative callbackURL.
    const full = { url: '/', headers: { host: 'app.test' }, socket: {}, ...req };
    copy.authenticate(full as unknown as Request, options);
  });
  return { first, actions };
}

/**
 * The callback half of a login called directly: a pending login for `domain` is put in a fresh
 * session first, and Agile CRM's redirect brings back `code` and its state.
 */
export async function callbackDirectly(
  strategy: Strategy,
  domain = 'acme',
): Promise<{ first: Promise<Action>; actions: Action[] }> {
  const session: Record<string, unknown> = {};
  const state = await new SessionPendingLoginStore().save(
    { session },
    { domain, codeVerifier: 'a-pkce-verifier-of-enough-length-0123456789abcdef' },
  );
  return authenticateDirectly(strategy, { query: { code: 'auth-code', state }, session });
}

/** The error of an action that must be `error`. */
export function errorOf(action: Action): Error & Record<string, unknown> {
  if (action.kind !== 'error') {
    throw new Error(`expected an error, got ${action.kind}: ${inspect(action.args)}`);
  }
  return action.args[0] as Error & Record<string, unknown>;
}

/** Asserts that none of the secrets appears in the error's message, JSON or inspection. */
export function expectNoSecrets(err: unknown): void {
  const e = err as Error;
  for (const text of [
    e.message,
    JSON.stringify(err) ?? '',
    inspect(err, { depth: 8 }),
    String(e.stack),
  ]) {
    for (const secret of SECRETS) {
      if (text.includes(secret)) throw new Error(`secret ${secret} leaked into: ${text}`);
    }
  }
}
