/**
 * An Express app with express.urlencoded (or no body parser) and a fresh passport instance, served
 * on 127.0.0.1 port 0, the mocha hooks that start it, and the Agile CRM replies the API-key tests
 * share.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Passport } from 'passport';
import type { Strategy } from 'passport-strategy';
import request from 'supertest';
import type { AgileCRMProfile } from '../../../lib/shared/profile';

/** What the test app answers: the user, or the failure passport reported, or the error. */
export interface Outcome {
  user?: unknown;
  failed?: { info: unknown; status: unknown };
  error?: { name: string; message: string; code?: string; status?: number; json: string };
}

export interface TestApp {
  url: string;
  /** Errors the app's error handler received, as thrown. */
  errors: unknown[];
  close(): Promise<void>;
}

/**
 * POST /login runs the strategy through passport's custom-callback form; POST /plain runs it as
 * ordinary middleware (passport answers failures itself).
 */
export async function startApp(
  strategy: Strategy,
  bodyParser: 'urlencoded' | 'json' | 'none' = 'urlencoded',
): Promise<TestApp> {
  const passport = new Passport();
  passport.use(strategy);
  const app = express();
  if (bodyParser === 'urlencoded') app.use(express.urlencoded({ extended: false }));
  if (bodyParser === 'json') app.use(express.json());
  app.use(passport.initialize());
  const errors: unknown[] = [];
  app.post('/login', (req, res, next) => {
    passport.authenticate(
      'agilecrm-apikey',
      { session: false },
      (err: unknown, user: unknown, info: unknown, status: unknown) => {
        if (err) {
          next(err);
          return;
        }
        if (!user) {
          res.status(200).json({ failed: { info, status } } satisfies Outcome);
          return;
        }
        res.json({ user } satisfies Outcome);
      },
    )(req, res, next);
  });
  app.post('/plain', passport.authenticate('agilecrm-apikey', { session: false }), (req, res) => {
    res.json({ user: req.user });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(err);
    const e = err as Error & { code?: string; status?: number };
    res.status(500).json({
      error: {
        name: e.name,
        message: e.message,
        code: e.code,
        status: e.status,
        json: JSON.stringify(e),
      },
    } satisfies Outcome);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A form body for the default field names. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Agile CRM's current-user body for the seeded demo user; the id is beyond 2^53 on purpose. */
export const DEMO_USER_BODY =
  '{"id":6263975862861824123,"domain":"acme","email":"dana@acme.example","name":"Dana Demo","pic":"https://cdn.example/dana.png","is_admin":true}';

/** Base64 of `email:apiKey`, computed independently of the code under test. */
export function basic(email: string, apiKey: string): string {
  return 'Basic ' + Buffer.from(`${email}:${apiKey}`).toString('base64');
}

export const API_KEY = 'k3y-s3cr3t-abc123';
export const EMAIL = 'dana@acme.example';

/** Valid-looking form fields for the account `acme`. */
export const CREDENTIALS: Readonly<Record<string, string>> = {
  domain: 'acme',
  email: EMAIL,
  apiKey: API_KEY,
};

/**
 * Registers mocha hooks that start a test app for `makeStrategy()` before the describe block's
 * tests and close it after them. The returned app's fields are readable inside the tests.
 */
export function useTestApp(makeStrategy: () => Strategy): TestApp {
  let app: TestApp | undefined;
  const started = (): TestApp => {
    if (!app) throw new Error('the test app is not started: read it inside a test');
    return app;
  };
  before(async () => {
    app = await startApp(makeStrategy());
  });
  after(async () => {
    await app?.close();
    app = undefined;
  });
  return {
    get url() {
      return started().url;
    },
    get errors() {
      return started().errors;
    },
    close: () => started().close(),
  };
}

/** A verify function that makes `{ id }` users and counts how often it was called. */
export function countingVerify(): {
  calls: number;
  verify: (profile: AgileCRMProfile) => Promise<{ id: string }>;
} {
  const counter = {
    calls: 0,
    verify: async (profile: AgileCRMProfile) => {
      counter.calls++;
      return { id: profile.id };
    },
  };
  return counter;
}

/** POSTs `fields` (by default {@link CREDENTIALS}) as a form to `path` of `app`. */
export function postForm(
  app: TestApp,
  fields: Record<string, string> = CREDENTIALS,
  path = '/login',
): request.Test {
  return request(app.url).post(path).type('form').send(form(fields));
}
