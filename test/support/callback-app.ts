/**
 * An Express app that logs in with the package's strategies the way an integrator would,
 * reporting each request's outcome in an `x-outcome` header so a test can check it against its
 * own model. Pending logins live in the session (express-session), or with `store: 'cookie'` in
 * a sealed cookie, with no session middleware at all. Every message it renders is HTML-escaped:
 * the tests check that nothing generated reaches a page unescaped. Like many real apps, it logs
 * every login error object it receives (`console.error(err)`), so tests can check that logging
 * an error never leaks a secret.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import {
  AuthorizationError,
  CookiePendingLoginStore,
  SessionPendingLoginStore,
  Strategy,
} from '../../lib';
import { ApiKeyStrategy } from '../../lib/api-key/strategy';

/** The pending-login stores an app can use: the session (default) or a sealed cookie. */
export type PendingStoreKind = 'session' | 'cookie';

/** Both kinds, for tests that run against each. */
export const PENDING_STORES: readonly PendingStoreKind[] = ['session', 'cookie'];

/** How a request ended, as reported in the `x-outcome` header. */
export type Outcome = 'redirect' | 'fail' | 'success' | 'authorization-error' | 'unexpected-error';

/** Options of {@link startCallbackApp}. */
export interface CallbackAppOptions {
  /** The provider's `baseURL` template. */
  baseURL: string;
  /** Express's query parser: `simple` (node:querystring) or `extended` (qs). */
  queryParser: 'simple' | 'extended';
  /** Where pending logins live. Default `'session'`. */
  store?: PendingStoreKind;
  /** Keep pending logins across `req.logIn` (passport regenerates the session at login). */
  keepSessionInfo?: boolean;
  maxPending?: number;
  ttl?: number;
  clientID?: string;
  clientSecret?: string;
  /** Per-request bound of both strategies, in milliseconds. Default 2000. */
  timeout?: number;
  /** Endpoint overrides of the OAuth strategy (and `profileURL` of the API-key strategy). */
  tokenURL?: string;
  profileURL?: string;
  revokeURL?: string;
  /** Called with every login error the app receives. Default: nothing. */
  onError?: (err: unknown) => void;
}

/** What a strategy handed the app for one request. */
export interface Delivery {
  path: string;
  err: unknown;
  user: unknown;
  info: unknown;
  status: unknown;
}

/** A running app. */
export interface CallbackApp {
  url: string;
  /** The OAuth strategy (for `refresh()` and `revoke()`). */
  strategy: Strategy;
  /** Every result a strategy delivered, in order. */
  deliveries: Delivery[];
  /** Results delivered a second time for a request that already had one. */
  duplicateDeliveries: Delivery[];
  /** Errors that reached the error handler and were not an expected kind. */
  unexpectedErrors: unknown[];
  close(): Promise<void>;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHTML(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function page(status: number, message: string): string {
  return `<!doctype html><title>Login ${status}</title><p>${escapeHTML(message)}</p><a href="/">Try again</a>`;
}

/** Starts the app on a free loopback port. */
export async function startCallbackApp(options: CallbackAppOptions): Promise<CallbackApp> {
  const unexpectedErrors: unknown[] = [];
  const deliveries: Delivery[] = [];
  const duplicateDeliveries: Delivery[] = [];
  const onError = options.onError ?? (() => undefined);
  const passport = new Passport();
  const limits = {
    ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
    ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
  };
  const withSession = (options.store ?? 'session') === 'session';
  const store = withSession
    ? new SessionPendingLoginStore(limits)
    : new CookiePendingLoginStore({ ...limits, secret: 'fuzz-pending-login-cookie-secret-0123' });
  const endpoints = {
    ...(options.tokenURL === undefined ? {} : { tokenURL: options.tokenURL }),
    ...(options.profileURL === undefined ? {} : { profileURL: options.profileURL }),
    ...(options.revokeURL === undefined ? {} : { revokeURL: options.revokeURL }),
  };
  const strategy = new Strategy(
    {
      clientID: options.clientID ?? 'fuzz-client',
      clientSecret: options.clientSecret ?? 'fuzz-client-secret',
      callbackURL: '/callback',
      baseURL: options.baseURL,
      timeout: options.timeout ?? 2000,
      store,
      ...endpoints,
    },
    (accessToken, refreshToken, params, profile, done) =>
      done(null, {
        id: profile.id,
        domain: profile.domain,
        name: profile.displayName,
        tokens: { accessToken, refreshToken, params },
      }),
  );
  passport.use(strategy);
  passport.use(
    new ApiKeyStrategy(
      {
        baseURL: options.baseURL,
        timeout: options.timeout ?? 2000,
        ...(options.profileURL === undefined ? {} : { profileURL: options.profileURL }),
      },
      async (profile) => ({ id: profile.id, domain: profile.domain, name: profile.displayName }),
    ),
  );
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  const app = express();
  app.set('query parser', options.queryParser);
  app.use(express.urlencoded({ extended: options.queryParser === 'extended' }));
  if (withSession) {
    app.use(
      session({
        secret: 'fuzz-session-secret',
        resave: false,
        saveUninitialized: false,
        cookie: { httpOnly: true, sameSite: 'lax' },
      }),
    );
    app.use(passport.initialize());
    app.use(passport.session());
  } else {
    app.use(passport.initialize());
  }

  const keepSessionInfo = options.keepSessionInfo ?? true;
  function finish(req: Request, res: Response, next: NextFunction) {
    let delivered = false;
    return (err: unknown, user: Express.User | false, info: unknown, status?: number): void => {
      const delivery = { path: req.path, err, user, info, status };
      if (delivered) {
        duplicateDeliveries.push(delivery);
        return;
      }
      delivered = true;
      deliveries.push(delivery);
      if (err) {
        onError(err);
        next(err);
        return;
      }
      if (!user) {
        const code = typeof status === 'number' ? status : 401;
        const message =
          typeof info === 'object' && info !== null && 'message' in info
            ? String(info.message)
            : 'Login failed.';
        res.status(code).set('x-outcome', 'fail').type('html').send(page(code, message));
        return;
      }
      req.logIn(user, { session: withSession, keepSessionInfo }, (loginErr) => {
        if (loginErr) {
          next(loginErr);
          return;
        }
        const who = user as { id?: unknown; name?: unknown };
        res
          .set('x-outcome', 'success')
          .type('html')
          .send(page(200, `Logged in as ${String(who.id)} (${String(who.name)})`));
      });
    };
  }

  app.get('/login', (req, res, next) => {
    res.set('x-outcome', 'redirect');
    passport.authenticate('agilecrm', { domain: req.query['account'] }, finish(req, res, next))(
      req,
      res,
      next,
    );
  });
  const callback = (req: Request, res: Response, next: NextFunction): void => {
    res.set('x-outcome', 'redirect');
    passport.authenticate('agilecrm', finish(req, res, next))(req, res, next);
  };
  app.get('/callback', callback);
  app.post('/callback', callback);
  app.post('/apikey', (req, res, next) => {
    passport.authenticate('agilecrm-apikey', finish(req, res, next))(req, res, next);
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof AuthorizationError) {
      // Agile CRM reported an error: a defined outcome, shown with its (escaped) description.
      const status = err.status >= 400 && err.status < 600 ? err.status : 502;
      res
        .status(status)
        .set('x-outcome', 'authorization-error')
        .type('html')
        .send(page(status, err.message || err.code));
      return;
    }
    // Body-parser rejects malformed or oversized forms with a 4xx of its own: a defined outcome.
    const declared =
      typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
    const status = declared >= 400 && declared < 500 ? declared : 500;
    if (status === 500) unexpectedErrors.push(err);
    res
      .status(status)
      .set('x-outcome', status === 500 ? 'unexpected-error' : 'fail')
      .type('html')
      .send(page(status, err instanceof Error ? err.message : 'Something went wrong.'));
  });

  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    strategy,
    deliveries,
    duplicateDeliveries,
    unexpectedErrors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
