/**
 * `createApp(config)`: the example Express app, as a factory so tests (and several instances
 * sharing one Redis) can build as many as they need. Reads no environment variables.
 */
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { createAuth, type AgileCRMConfig } from './auth';
import { sendFailure, type AppContext, type DemoInfo } from './context';
import { BAD_CSRF, NOT_FOUND, TOO_MANY, describeError, type Failure } from './failures';
import { authRoutes } from './routes/auth';
import { homeRoutes } from './routes/home';
import { logoutRoutes } from './routes/logout';
import { profileRoutes } from './routes/profile';
import { cspOrigin, csrfProtection, loginRateLimit, securityHeaders } from './security';
import { connectRedis } from './redis';
import { createSession, type SessionStoreConfig } from './session';
import { AgileCRMAccess } from './tokens';
import { TokenVault } from './token-vault';

/** Everything the app needs; `main.ts` builds it from the environment. */
export interface AppConfig {
  agilecrm: AgileCRMConfig;
  /** OAuth callback: absolute (BASE_URL + path) or a path resolved against each request. */
  callbackURL: string;
  /** Signs the session cookie; the token vault's key is derived from it. 32+ characters. */
  sessionSecret: string;
  sessionStore: SessionStoreConfig;
  /** Session lifetime in milliseconds. Default 8 hours. */
  sessionMaxAge?: number | undefined;
  /** Express `trust proxy`: set when a proxy terminates HTTPS in front of the app. */
  trustProxy?: number | string | false | undefined;
  /** The public URL is HTTPS (turns on `upgrade-insecure-requests`). */
  https?: boolean | undefined;
  /** Login attempts per client address per minute. Default 20. */
  loginRateLimit?: number | undefined;
  /** Set in demo mode: shows the emulator's credentials on the home page. */
  demo?: DemoInfo | undefined;
  /** Where log lines go (never tokens, secrets or keys). Default: nowhere. */
  log?: ((line: string) => void) | undefined;
  /** Log each request's method, path and status (never the query string). */
  logRequests?: boolean | undefined;
}

/** A built app and how to release its store connections and timers. */
export interface ExampleApp {
  app: Express;
  close(): Promise<void>;
}

const DEFAULT_AGILECRM_ORIGIN = 'https://{domain}.agilecrm.com';

/** Builds the app (connecting to Redis first when configured). */
export async function createApp(config: AppConfig): Promise<ExampleApp> {
  const log = config.log ?? (() => undefined);
  const vault = new TokenVault(config.sessionSecret);
  const { passport, oauth } = createAuth(config.agilecrm, config.callbackURL, config.sessionSecret);
  const redis =
    config.sessionStore.kind === 'redis'
      ? await connectRedis(config.sessionStore.url, log)
      : undefined;
  const session = createSession({
    secret: config.sessionSecret,
    store: config.sessionStore,
    redis,
    behindProxy: Boolean(config.trustProxy),
    maxAge: config.sessionMaxAge ?? 8 * 60 * 60 * 1000,
    log,
  });
  const app = express();
  app.disable('x-powered-by');
  if (config.trustProxy) app.set('trust proxy', config.trustProxy);

  const ctx: AppContext = {
    agilecrm: config.agilecrm,
    demo: config.demo,
    passport,
    oauth,
    vault,
    access: new AgileCRMAccess({
      strategy: oauth,
      vault,
      baseURL: config.agilecrm.baseURL,
      timeout: config.agilecrm.timeout,
      log,
    }),
    csrf: csrfProtection(config.sessionSecret, config.https === true),
    loginLimit: loginRateLimit(
      config.loginRateLimit ?? 20,
      (_req, res) => sendFailure(ctx, res, TOO_MANY, '/'),
      redis,
    ),
    formBody: express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }),
    log,
  };

  if (config.logRequests) {
    app.use((req, res, next) => {
      // The path only: query strings carry OAuth codes and states.
      res.on('finish', () => log(`${req.method} ${req.path} ${res.statusCode}`));
      next();
    });
  }
  app.use(
    securityHeaders(
      [cspOrigin(config.agilecrm.baseURL ?? DEFAULT_AGILECRM_ORIGIN)],
      config.https === true,
    ),
  );
  app.use((_req, res, next) => {
    // Pages show account data: never keep them in a cache (nor show them from one after logout).
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(session.middleware);
  // After the session middleware, which reads its own cookie: this one is for the CSRF token.
  app.use(cookieParser());
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(homeRoutes(ctx));
  app.use(authRoutes(ctx));
  app.use(profileRoutes(ctx));
  app.use(logoutRoutes(ctx));
  app.use((_req, res) => sendFailure(ctx, res, NOT_FOUND, '/'));
  app.use(errorHandler(ctx));

  return {
    app,
    close: async () => {
      session.close();
      await redis?.close();
    },
  };
}

function errorHandler(ctx: AppContext): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    sendFailure(ctx, res, failureFor(ctx, err), '/');
  };
}

function failureFor(ctx: AppContext, err: unknown): Failure {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  if (code === 'EBADCSRFTOKEN') return BAD_CSRF;
  const status =
    typeof err === 'object' && err !== null && 'status' in err ? err.status : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Client errors from body parsing and the like: say so without echoing details.
    return {
      status,
      title: 'That request could not be handled',
      message: 'Please go back and try again.',
    };
  }
  ctx.log(`Request failed: ${err instanceof Error ? err.name : 'error'}`);
  return describeError(err);
}
