/**
 * Shared setup for the example app's tests: an emulator and an app listening on 127.0.0.1,
 * supertest agents (one cookie jar each), and the OAuth login as a browser would do it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { createEmulator, type RunningEmulator } from 'passport-agilecrm/testing';
import { createApp, type AppConfig, type ExampleApp } from '../../../example-app/src/app';
import { TokenVault } from '../../../example-app/src/token-vault';

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

/** Options for the emulator the app talks to. */
export type EmulatorOptions = Parameters<typeof createEmulator>[0];

/** Starts the emulator on 127.0.0.1, a free port. */
export function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return createEmulator(options).listen(0, '127.0.0.1');
}

/** What {@link useApp} and {@link withApp} start: an emulator and an app that talks to it. */
export interface AppSetup {
  /** The emulator the app talks to. */
  readonly emu: RunningEmulator;
  /** The app, with a SQLite session store in a temporary directory. */
  readonly app: RunningApp;
  /** The path of the app's SQLite session database. */
  dbPath(): string;
}

/** How {@link useApp} and {@link withApp} start the emulator and the app. */
export interface AppSetupOptions {
  emulator?: EmulatorOptions;
  /** App settings that replace those of {@link configFor}. */
  config?: Partial<AppConfig>;
}

async function startSetup(
  options: AppSetupOptions,
): Promise<AppSetup & { close(): Promise<void> }> {
  const emu = await startEmulator(options.emulator);
  const tmp = tempDir();
  const app = await startApp(configFor(emu, tmp.dir, options.config));
  return {
    emu,
    app,
    dbPath: () => sqlitePath(app),
    close: async () => {
      await app.close();
      // The emulator's close() is idempotent, so a test may already have closed it.
      await emu.close();
      tmp.remove();
    },
  };
}

/**
 * Registers mocha hooks that start an emulator and an app before the file's tests, clear the
 * emulator's faults after each test, and close both after the last. The returned object's
 * fields are readable once the `before` hook has run.
 */
export function useApp(options: AppSetupOptions = {}): AppSetup {
  let current: Awaited<ReturnType<typeof startSetup>> | undefined;
  const started = (): AppSetup => {
    if (!current) throw new Error('the app is not started: read it inside a test');
    return current;
  };
  before(async () => {
    current = await startSetup(options);
  });
  afterEach(() => current?.emu.clearFaults());
  after(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get emu() {
      return started().emu;
    },
    get app() {
      return started().app;
    },
    dbPath: () => started().dbPath(),
  };
}

/** Runs `test` with its own emulator and app, closing both afterwards whatever happens. */
export async function withApp<T>(
  options: AppSetupOptions,
  test: (setup: AppSetup) => Promise<T>,
): Promise<T> {
  const setup = await startSetup(options);
  try {
    return await test(setup);
  } finally {
    await setup.close();
  }
}

/** The path of `app`'s SQLite session database ('' for another store). */
export function sqlitePath(app: RunningApp): string {
  return app.config.sessionStore.kind === 'sqlite' ? app.config.sessionStore.path : '';
}

type Agent = ReturnType<typeof request.agent>;

/**
 * Starts a login and gives consent in the emulator (or denies it). Returns the start response and
 * the path of the app's callback that the emulator redirected to, not yet followed.
 */
export async function consent(
  agent: Agent,
  emu: RunningEmulator,
  options: { account?: string; returnTo?: string; deny?: boolean } = {},
): Promise<{ start: request.Response; callbackPath: string }> {
  const query: Record<string, string> = { account: options.account ?? 'demo' };
  if (options.returnTo !== undefined) query['returnTo'] = options.returnTo;
  const start = await agent.get('/auth/agilecrm').query(query).expect(302);
  const back = new URL(emu.approve(start.headers['location'] as string, { deny: options.deny }));
  return { start, callbackPath: back.pathname + back.search };
}

/**
 * Starts a login, gives consent in the emulator (or denies it), and follows the redirect back to
 * the app's callback. Returns the callback's response.
 */
export async function oauthLogin(
  agent: Agent,
  emu: RunningEmulator,
  options: { account?: string; returnTo?: string; deny?: boolean } = {},
): Promise<request.Response> {
  const { callbackPath } = await consent(agent, emu, options);
  return agent.get(callbackPath);
}

/** The API-key form's fields for `user`, a user of the account `domain`. */
export function apiKeyFields(
  user: { email: string; apiKey: string },
  domain = 'demo',
): Record<string, string> {
  return { domain, email: user.email, apiKey: user.apiKey };
}

/**
 * Posts the API-key form as a browser would: loads the home page for its CSRF token, then posts
 * `fields` with it (or without it when `withToken` is false). Returns the post's response.
 */
export async function apiKeyLogin(
  agent: Agent,
  fields: Record<string, string>,
  withToken = true,
): Promise<request.Response> {
  const home = await agent.get('/').expect(200);
  const form = withToken ? { _csrf: formField(home.text, '_csrf'), ...fields } : fields;
  return agent.post('/auth/apikey').type('form').send(form);
}

/** The value of the form field `name` (for example `_csrf`) in an HTML page. */
export function formField(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!match?.[1]) throw new Error(`no ${name} field in the page`);
  return match[1];
}

/** The whole Set-Cookie header (with its attributes) for the session cookie, if one was set. */
export function sessionSetCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('agilecrm_example.sid='));
}

/** The session cookie's value from a response's Set-Cookie headers, if one was set. */
export function sessionCookie(res: request.Response): string | undefined {
  return sessionSetCookie(res)?.split(';')[0]?.split('=')[1];
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
    return db.prepare('SELECT sid, sess FROM app_sessions').all() as {
      sid: string;
      sess: string;
    }[];
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

/** What one child of {@link raceChildren} printed last (its JSON result) and how it exited. */
export interface ChildResult {
  code: number | null;
  result: Record<string, unknown>;
}

/**
 * Runs one `file-race-child.ts` process per argument list, lets them all load, then starts their
 * jobs at the same moment and waits for every one (each is killed after 30 s).
 */
export async function raceChildren(jobs: string[][]): Promise<ChildResult[]> {
  const children = jobs.map((args) =>
    spawn(
      process.execPath,
      ['--import', 'tsx', 'test/example-app/support/file-race-child.ts', ...args],
      {
        env: { PATH: process.env['PATH'] ?? '' },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    ),
  );
  const outputs = children.map(() => ({ text: '' }));
  const ready = children.map(
    (child, i) =>
      new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`child ${i} exited with ${code} early`)));
        child.stdout.on('data', (chunk: Buffer) => {
          outputs[i]!.text += chunk.toString();
          if (outputs[i]!.text.startsWith('ready\n')) resolve();
        });
      }),
  );
  const exited = children.map(
    (child, i) =>
      new Promise<ChildResult>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          const last = outputs[i]!.text.trim().split('\n').pop() ?? '';
          let result: Record<string, unknown> = { output: last };
          try {
            result = JSON.parse(last) as Record<string, unknown>;
          } catch {
            // not JSON: kept as output
          }
          resolve({ code, result });
        });
      }),
  );
  try {
    await Promise.all(ready);
  } catch (err) {
    for (const child of children) child.kill('SIGKILL');
    throw err;
  }
  for (const child of children) child.stdin.write('go\n');
  return Promise.all(exited);
}
