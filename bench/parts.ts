/**
 * `npm run bench:parts`: the parts of a login this package replaces, each against what
 * passport-oauth2 does instead, in one process and alternating so machine drift cancels:
 *
 * - one provider request: this package's transport against node-oauth's `OAuth2.get`, both over
 *   a keep-alive agent to a local HTTP server (the server's time is included in both);
 * - the session work of a login's state: store it, check whether the session changed and save
 *   it (as express-session does), load it again for the callback, take the state and hash again,
 *   with express-session's own MemoryStore and Session; `SessionPendingLoginStore` against
 *   passport-oauth2's PKCE session store;
 * - a whole login through the strategy alone (see strategy-alone.ts): `Strategy` against the
 *   bench's plain passport-oauth2 subclass, without Express, session middleware or passport;
 * - a whole login through the ours and baseline apps, with everything in this one process (see
 *   apps-in-process.ts).
 */
import * as http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import session from 'express-session';
import { OAuth2 } from 'oauth';
import { SessionPendingLoginStore } from 'passport-agilecrm';
import PKCESessionStore from 'passport-oauth2/lib/state/pkcesession';
import { send } from '../lib/http/transport';
import { appsInProcess } from './apps-in-process';
import type { LoginPair } from './local-provider';
import { strategiesAlone } from './strategy-alone';

const WARMUP = 6000;
const CALLS = 30_000;

/**
 * Mean microseconds per call of `a` and `b`, taking turns call by call (which goes first
 * alternates), so both see the same machine from one moment to the next.
 */
async function compare(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  warmup = WARMUP,
  calls = CALLS,
): Promise<[number, number]> {
  const time = async (fn: () => Promise<unknown>): Promise<number> => {
    const start = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - start);
  };
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  let totalA = 0;
  let totalB = 0;
  for (let i = 0; i < calls; i++) {
    if (i % 2 === 0) {
      totalA += await time(a);
      totalB += await time(b);
    } else {
      totalB += await time(b);
      totalA += await time(a);
    }
  }
  return [totalA / calls / 1e3, totalB / calls / 1e3];
}

async function requests(): Promise<[number, number]> {
  const body = '{"id":6263975862861824123,"domain":"demo","email":"demo@example.com"}';
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/api/users/current-user`;
  const agent = new http.Agent({ keepAlive: true });
  const oauth = new OAuth2('id', 'secret', '', '', '', { Accept: 'application/json' });
  oauth.useAuthorizationHeaderforGET(true);
  oauth.setAgent(agent);
  try {
    return await compare(
      () =>
        send({
          method: 'GET',
          url,
          headers: { accept: 'application/json', authorization: 'Bearer token' },
          timeout: 10_000,
          label: 'profile request',
          agent,
        }),
      () =>
        new Promise<void>((resolve, reject) =>
          oauth.get(url, 'token', (err) => (err ? reject(new Error('request failed')) : resolve())),
        ),
    );
  } finally {
    agent.destroy();
    server.close();
  }
}

/** One login's state through express-session's MemoryStore, with `store` and `take`. */
function sessionCycle(
  store: (req: Request) => Promise<string>,
  take: (req: Request, handle: string) => Promise<unknown>,
): () => Promise<unknown> {
  const memory = new session.MemoryStore();
  const loggedIn = JSON.stringify({
    cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' },
    passport: { user: '6263975862861824123' },
  });
  let id = 0;
  return async () => {
    const req = { sessionID: `s${++id}`, sessionStore: memory } as unknown as Request;
    memory.createSession(req, JSON.parse(loggedIn) as session.SessionData);
    const loaded = hash(req.session);
    const handle = await store(req);
    const saved = hash(req.session) !== loaded ? JSON.stringify(req.session) : loggedIn;
    const callback = { sessionID: req.sessionID, sessionStore: memory } as unknown as Request;
    memory.createSession(callback, JSON.parse(saved) as session.SessionData);
    hash(callback.session);
    await take(callback, handle);
    return hash(callback.session);
  };
}

type Request = Parameters<session.MemoryStore['createSession']>[0];

/** express-session's change check: a hash of the session without its cookie. */
function hash(sess: object): string {
  const text = JSON.stringify(sess, function (this: unknown, key, value: unknown) {
    return this === sess && key === 'cookie' ? undefined : value;
  });
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

async function sessions(): Promise<[number, number]> {
  const verifier = 'v'.repeat(43);
  const ours = new SessionPendingLoginStore();
  const pkce = new PKCESessionStore({ key: 'oauth2:127.0.0.1' });
  return compare(
    sessionCycle(
      (req) => ours.save(req, { domain: 'demo', codeVerifier: verifier }),
      (req, handle) => ours.take(req, handle),
    ),
    sessionCycle(
      (req) =>
        new Promise((resolve, reject) =>
          pkce.store(req, verifier, undefined, {}, (err, handle) =>
            err ? reject(new Error('store failed')) : resolve(handle ?? ''),
          ),
        ),
      (req, handle) =>
        new Promise((resolve, reject) =>
          pkce.verify(req, handle, (err, ok) =>
            err ? reject(new Error('verify failed')) : resolve(ok),
          ),
        ),
    ),
  );
}

/** Mean microseconds per login of ours and the baseline, from `start`'s pair of login functions. */
async function logins(start: () => Promise<LoginPair>): Promise<[number, number]> {
  const pair = await start();
  try {
    return await compare(pair.ours, pair.baseline, 2000, 10_000);
  } finally {
    pair.close();
  }
}

async function main(): Promise<void> {
  const [oursRequest, nodeOAuth] = await requests();
  const [oursSession, pkceSession] = await sessions();
  const [oursLogin, baselineLogin] = await logins(strategiesAlone);
  const [oursApp, baselineApp] = await logins(appsInProcess);
  const row = (part: string, ours: number, theirs: number, what: string): string =>
    `| ${part}, µs | ${ours.toFixed(1)} | ${theirs.toFixed(1)} (${what}) | ${(ours / theirs).toFixed(3)} |\n`;
  process.stdout.write(
    `| part | passport-agilecrm | passport-oauth2 | ratio |\n| --- | --- | --- | --- |\n` +
      row('one provider request', oursRequest, nodeOAuth, 'node-oauth') +
      row("session work of one login's state", oursSession, pkceSession, 'PKCE session store') +
      row('one login through the strategy alone', oursLogin, baselineLogin, 'plain subclass') +
      row('one login through the whole app, one process', oursApp, baselineApp, 'plain subclass'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:parts failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
