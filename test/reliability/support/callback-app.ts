/**
 * An Express app that logs in with the OAuth strategy the way an integrator would, reporting
 * each request's outcome in an `x-outcome` header so a test can check it against its own model.
 * Every message it renders is HTML-escaped: the tests check that nothing generated reaches a
 * page unescaped.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { AuthorizationError, SessionPendingLoginStore, Strategy } from '../../../lib';

/** How a request ended, as reported in the `x-outcome` header. */
export type Outcome = 'redirect' | 'fail' | 'success' | 'authorization-error' | 'unexpected-error';

/** Options of {@link startCallbackApp}. */
export interface CallbackAppOptions {
  /** The provider's `baseURL` template. */
  baseURL: string;
  /** Express's query parser: `simple` (node:querystring) or `extended` (qs). */
  queryParser: 'simple' | 'extended';
  /** Keep pending logins across `req.logIn` (passport regenerates the session at login). */
  keepSessionInfo?: boolean;
  maxPending?: number;
  ttl?: number;
}

/** A running app. */
export interface CallbackApp {
  url: string;
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
  const passport = new Passport();
  const store = new SessionPendingLoginStore({
    ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
    ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
  });
  passport.use(
    new Strategy(
      {
        clientID: 'fuzz-client',
        clientSecret: 'fuzz-client-secret',
        callbackURL: '/callback',
        baseURL: options.baseURL,
        timeout: 2000,
        store,
      },
      async (_accessToken, _refreshToken, profile) => ({ id: profile.id, domain: profile.domain }),
    ),
  );
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  const app = express();
  app.set('query parser', options.queryParser);
  app.use(express.urlencoded({ extended: options.queryParser === 'extended' }));
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

  const keepSessionInfo = options.keepSessionInfo ?? true;
  function finish(req: Request, res: Response, next: NextFunction) {
    return (err: unknown, user: Express.User | false, info: unknown, status?: number): void => {
      if (err) {
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
      req.logIn(user, { session: true, keepSessionInfo }, (loginErr) => {
        if (loginErr) {
          next(loginErr);
          return;
        }
        res
          .set('x-outcome', 'success')
          .type('html')
          .send(page(200, `Logged in as ${String((user as { id?: unknown }).id)}`));
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
      .send(page(status, 'Something went wrong.'));
  });

  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    unexpectedErrors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
