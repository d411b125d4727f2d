/**
 * Shared setup for the example app's tests: an emulator and an app listening on 127.0.0.1,
 * supertest agents (one cookie jar each), and the OAuth login as a browser would do it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { createEmulator, type RunningEmulator } from 'passport-agilecrm/testing';
import { createApp, type AppConfig, type ExampleApp } from '../../example-app/src/app';
import { TokenVault } from '../../example-app/src/token-vault';

/** A test secret (32+ characters). */
export const SECRET = 'test-session-secret-0123456789abcdef';

/** A running app for one test file. */
export interface RunningApp {
  url: string;
  config: AppConfig;
  app: ExampleApp;
  logs: string[];
  /** A new browser-like client with its own cookie jar. */
  agent(): ReturnType<typeof request.agent>;
  close(): Promise<void>;
}

/** A temporary directory for a session database, removed by the returned function. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'agilecrm-example-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** App settings pointing at `emu`, with a session database in `dir`. */
export function configFor(
  emu: RunningEmulator,
  dir: string,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  return {
    agilecrm: {
      clientID: emu.clientID,
      clientSecret: emu.clientSecret,
      defaultDomain: 'demo',
      baseURL: emu.baseURL,
      revokeURL: emu.revokeURL,
      timeout: 1000,
    },
    callbackURL: '/auth/agilecrm/callback',
    sessionSecret: SECRET,
    sessionStore: { kind: 'sqlite', path: join(dir, 'sessions.db') },
    loginRateLimit: 1000,
    ...overrides,
  };
}

/** Builds the app with `config` and listens on 127.0.0.1, a free port. */
export async function startApp(config: AppConfig): Promise<RunningApp> {
  const logs: string[] = [];
  const app = await createApp({ ...config, log: (line) => logs.push(line), logRequests: true });
  const server: Server = await new Promise((resolve) => {
    const s = app.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    config,
    app,
    logs,
    agent: () => request.agent(url),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

/** Starts the emulator on 127.0.0.1, a free port. */
export function startEmulator(
  options: Parameters<typeof createEmulator>[0] = {},
): Promise<RunningEmulator> {
  return createEmulator(options).listen(0, '127.0.0.1');
}

type Agent = ReturnType<typeof request.agent>;

/**
 * Starts a login, gives consent in the emulator (or denies it), and follows the redirect back to
 * the app's callback. Returns the callback's response.
 */
export async function oauthLogin(
  agent: Agent,
  emu: RunningEmulator,
  options: { account?: string; returnTo?: string; deny?: boolean } = {},
): Promise<request.Response> {
  const query: Record<string, string> = { account: options.account ?? 'demo' };
  if (options.returnTo !== undefined) query['returnTo'] = options.returnTo;
  const start = await agent.get('/auth/agilecrm').query(query).expect(302);
  const back = new URL(emu.approve(start.headers['location'] as string, { deny: options.deny }));
  return agent.get(back.pathname + back.search);
}

/** The value of the form field `name` (for example `_csrf`) in an HTML page. */
export function formField(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!match?.[1]) throw new Error(`no ${name} field in the page`);
  return match[1];
}

/** The session cookie's value from a response's Set-Cookie headers, if one was set. */
export function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => c.startsWith('agilecrm_example.sid='));
  return cookie?.split(';')[0]?.split('=')[1];
}

/** The session id inside a signed session cookie value (`s:<id>.<signature>`). */
export function sessionIdOf(cookieValue: string): string {
  const decoded = decodeURIComponent(cookieValue);
  return decoded.slice(2, decoded.lastIndexOf('.'));
}

/** The stored session records (id and JSON text) of the SQLite store at `path`. */
export function storedSessions(path: string): { sid: string; sess: string }[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT sid, sess FROM sessions').all() as { sid: string; sess: string }[];
  } finally {
    db.close();
  }
}

/** The OAuth tokens sealed in the stored session `sid`, opened with the test secret. */
export function storedTokens(
  path: string,
  sid: string,
): { accessToken: string; refreshToken?: string } {
  const row = storedSessions(path).find((r) => r.sid === sid);
  if (!row) throw new Error('session not stored');
  const sess = JSON.parse(row.sess) as {
    credentials?: string;
    passport?: { user?: { id: string; domain: string } };
  };
  const user = sess.passport?.user;
  if (!user || !sess.credentials) throw new Error('no logged-in user in the session');
  const opened = new TokenVault(SECRET).open(sess.credentials, `oauth:${user.domain}:${user.id}`);
  return opened as { accessToken: string; refreshToken?: string };
}

/** The emulator's seeded `demo` account. */
export function demoAccount(emu: RunningEmulator): RunningEmulator['accounts'][number] {
  const account = emu.accounts.find((a) => a.domain === 'demo');
  if (!account) throw new Error('no demo account');
  return account;
}
