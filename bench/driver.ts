/**
 * The load driver: virtual users doing complete logins against one variant app over plain HTTP
 * keep-alive. Consent happens in-process through the emulator, so the only provider traffic is
 * the app's own (token exchange and profile fetch in the callback).
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

/** Drives logins against the app at `origin`. Each virtual user keeps its session cookie. */
export class LoginDriver {
  private _agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private _cookies: (string | undefined)[] = [];
  private _url: URL;

  constructor(
    origin: string,
    private readonly _approve: Approve,
  ) {
    this._url = new URL(origin);
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
      this._cookies[slot] = undefined;
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  /**
   * Completes `count` logins (one per virtual user slot) whose callbacks arrive at the same
   * moment, so the app opens as many provider connections as it will hold at once later. After
   * this, a connection the app opens is one it failed to reuse, not one the pool grew into.
   */
  async prime(count: number): Promise<void> {
    const callbacks = await Promise.all(
      Array.from({ length: count }, async (_, slot) => {
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
    const cookie = this._cookies[slot];
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
          const setCookie = res.headers['set-cookie']?.[0];
          if (setCookie !== undefined) this._cookies[slot] = setCookie.split(';', 1)[0];
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
