/**
 * The load driver: virtual users doing complete logins against one variant app over plain HTTP
 * keep-alive. Consent happens in-process through the emulator, so the only provider traffic is
 * the app's own (token exchange and profile fetch in the callback).
 *
 * Each virtual user keeps its cookies as a browser does. By default a user logs in again with
 * the session of its last login; with `freshVisitors` every login starts without cookies, as a
 * visitor who is not logged in.
 */
import * as http from 'node:http';

/** Turns an authorization URL into the redirect back to the app (the emulator's consent). */
export type Approve = (authorizationURL: string) => string | Promise<string>;

/** What one phase of logins measured. */
export interface PhaseResult {
  /** Logins that ended with 200 from the callback. */
  logins: number;
  elapsedMs: number;
  /** Callback round trips (the app's token exchange, profile fetch and session login), in ms. */
  callbackLatencies: number[];
  errors: number;
  firstError?: string;
}

/** A phase with nothing recorded yet. */
export function emptyPhase(): PhaseResult {
  return { logins: 0, elapsedMs: 0, callbackLatencies: [], errors: 0 };
}

/** How one login went: its callback and total times in ms, or why it failed. */
export type LoginTiming = { callbackMs: number; totalMs: number } | { error: string };

/** Adds one login's outcome to `result` (all but `elapsedMs`, which the caller owns). */
export function record(result: PhaseResult, timing: LoginTiming): void {
  if ('error' in timing) {
    result.errors++;
    result.firstError ??= timing.error;
    return;
  }
  result.logins++;
  result.callbackLatencies.push(timing.callbackMs);
}

interface Answer {
  status: number;
  location: string | undefined;
  body: string;
}

/** Options of {@link LoginDriver}. */
export interface DriverOptions {
  /** Every login starts with no cookies, as a visitor who is not logged in. */
  freshVisitors?: boolean;
}

/** Drives logins against the app at `origin`. Each virtual user keeps its cookies. */
export class LoginDriver {
  private _agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  /** Each virtual user's cookies by name. */
  private _jars: Map<string, string>[] = [];
  private _url: URL;
  private _freshVisitors: boolean;

  constructor(
    origin: string,
    private readonly _approve: Approve,
    options: DriverOptions = {},
  ) {
    this._url = new URL(origin);
    this._freshVisitors = options.freshVisitors === true;
  }

  /** Runs `count` complete logins with `concurrency` virtual users. */
  async run(count: number, concurrency: number): Promise<PhaseResult> {
    const result = emptyPhase();
    let remaining = count;
    const user = async (slot: number): Promise<void> => {
      while (remaining > 0) {
        remaining--;
        const timing = await this.login(slot);
        record(result, timing);
      }
    };
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: concurrency }, (_, slot) => user(slot)));
    result.elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    return result;
  }

  /**
   * One complete login by the virtual user in `slot`: its timings, or the error that ended it
   * (the slot then starts over with a fresh session).
   */
  async login(slot: number): Promise<LoginTiming> {
    const t0 = process.hrtime.bigint();
    try {
      const callbackMs = await this._login(slot);
      return { callbackMs, totalMs: Number(process.hrtime.bigint() - t0) / 1e6 };
    } catch (err) {
      this._jars[slot]?.clear();
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  /**
   * `count` login starts by new visitors that never come back from the consent page: the app
   * redirects each to Agile CRM, and the login is abandoned there.
   */
  async abandonStarts(count: number): Promise<void> {
    const slot = this._jars.length;
    for (let i = 0; i < count; i++) {
      this._jars[slot]?.clear();
      const start = await this._get('/login', slot);
      if (start.status !== 302) {
        throw new Error(`GET /login answered ${start.status}: ${start.body.slice(0, 200)}`);
      }
    }
    this._jars.length = slot;
  }

  /**
   * Completes `count` logins (one per virtual user slot) whose callbacks arrive at the same
   * moment, so the app opens as many provider connections as it will hold at once later. After
   * this, a connection the app opens is one it failed to reuse, not one the pool grew into.
   */
  async prime(count: number): Promise<void> {
    const callbacks = await Promise.all(
      Array.from({ length: count }, async (_, slot) => {
        if (this._freshVisitors) this._jars[slot]?.clear();
        const start = await this._get('/login', slot);
        if (start.status !== 302 || start.location === undefined) {
          throw new Error(`GET /login answered ${start.status}: ${start.body.slice(0, 200)}`);
        }
        return new URL(await this._approve(start.location));
      }),
    );
    await Promise.all(
      callbacks.map(async (back, slot) => {
        const done = await this._get(back.pathname + back.search, slot);
        if (done.status !== 200) {
          throw new Error(`callback answered ${done.status}: ${done.body.slice(0, 200)}`);
        }
      }),
    );
  }

  /** Closes the driver's connections to the app. */
  close(): void {
    this._agent.destroy();
  }

  /** One login; returns the callback's latency in ms. */
  private async _login(slot: number): Promise<number> {
    if (this._freshVisitors) this._jars[slot]?.clear();
    const start = await this._get('/login', slot);
    if (start.status !== 302 || start.location === undefined) {
      throw new Error(`GET /login answered ${start.status}: ${start.body.slice(0, 200)}`);
    }
    const back = new URL(await this._approve(start.location));
    const t0 = process.hrtime.bigint();
    const done = await this._get(back.pathname + back.search, slot);
    const latency = Number(process.hrtime.bigint() - t0) / 1e6;
    if (done.status !== 200) {
      throw new Error(`callback answered ${done.status}: ${done.body.slice(0, 200)}`);
    }
    return latency;
  }

  private _get(path: string, slot: number): Promise<Answer> {
    const jar = (this._jars[slot] ??= new Map());
    const cookie = jar.size === 0 ? undefined : cookieHeader(jar);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this._agent,
          hostname: this._url.hostname,
          port: this._url.port,
          path,
          headers: cookie === undefined ? {} : { cookie },
        },
        (res) => {
          const setCookie = res.headers['set-cookie'];
          if (setCookie !== undefined) keepCookies(jar, setCookie);
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              location: res.headers.location,
              body,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
}

function cookieHeader(jar: Map<string, string>): string {
  let header = '';
  for (const [name, value] of jar) header += `${header === '' ? '' : '; '}${name}=${value}`;
  return header;
}

/** Keeps the cookies a response set, and forgets the ones it cleared (empty or expired). */
function keepCookies(jar: Map<string, string>, setCookie: string[]): void {
  for (const line of setCookie) {
    const pair = line.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (value === '' || /;\s*max-age=0(;|$)/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}
