/**
 * Two example-app processes sharing one Redis, as behind a load balancer: Debian's redis-server
 * on a free loopback port, one Agile CRM emulator in this process, and both apps started through
 * `main.ts` with the same REDIS_URL, SESSION_SECRET and public BASE_URL.
 *
 * A login started on instance A completes when the callback lands on B. Then 2,000 logins by 50
 * concurrent users (one cookie jar and one Agile CRM account each), every login started on one
 * instance, called back on the other, and checked on a random one: no lost session, no user
 * ever sees another user's profile, no unexpected 5xx. The figures are printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createEmulator, type RunningEmulator } from '../../../lib/testing';
import {
  freePort,
  requireRedisServer,
  startRedis,
  type RedisServer,
  stopChild,
} from '../../support/redis-server';
import { Browser, closeBrowserSockets, type BrowserResponse } from '../../support/browser';

const USERS = 50;
const LOGINS = 2000;
const MAIN = 'example-app/src/main.ts';
const SESSION_SECRET = 'multi-instance-session-secret-0123456789';

interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  output: string[];
}

interface Figures {
  logins: number;
  lostSessions: number;
  crossUser: number;
  unexpected5xx: number;
  logoutsChecked: number;
  requests: number;
  seconds: number;
  loginsPerSecond: number;
  byInstance: Record<string, number>;
}

const pad = (i: number): string => String(i + 1).padStart(2, '0');
const account = (i: number): string => `acct${pad(i)}`;
const email = (i: number): string => `user${pad(i)}@${account(i)}.example`;
const name = (i: number): string => `Person ${pad(i)} of ${account(i)}`;

describe('two example-app processes on one Redis', function () {
  this.timeout(300_000);

  let redis: RedisServer;
  let emu: RunningEmulator;
  let dir: string;
  const instances: Instance[] = [];

  before(async function () {
    const binary = requireRedisServer(this);
    this.timeout(60_000);
    redis = await startRedis(binary);
    emu = await createEmulator({
      accounts: Array.from({ length: USERS }, (_, i) => ({
        domain: account(i),
        users: [{ email: email(i), name: name(i), apiKey: `key-${account(i)}` }],
        contacts: 2,
      })),
    }).listen();
    dir = mkdtempSync(join(tmpdir(), 'agilecrm-multi-'));
    const [portA, portB] = [await freePort(), await freePort()];
    // Behind a load balancer both instances have one public URL; the test plays the balancer.
    const publicURL = `http://127.0.0.1:${portA}`;
    instances.push(
      await startInstance('A', portA, publicURL),
      await startInstance('B', portB, publicURL),
    );
  });

  after(async () => {
    await Promise.all(instances.map((i) => stopChild(i.child)));
    await emu?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    closeBrowserSockets();
  });

  async function startInstance(label: string, port: number, publicURL: string): Promise<Instance> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        BASE_URL: publicURL,
        SESSION_SECRET,
        REDIS_URL: redis.url,
        SESSION_DB: join(dir, `${label}.db`),
        AGILECRM_DOMAIN: account(0),
        AGILECRM_CLIENT_ID: emu.clientID,
        AGILECRM_CLIENT_SECRET: emu.clientSecret,
        AGILECRM_BASE_URL: emu.baseURL,
        AGILECRM_REVOKE_URL: emu.revokeURL,
        LOGIN_RATE_LIMIT: '1000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`instance ${label} did not start: ${output.join('')}`)),
        30_000,
      );
      child.stdout!.on('data', (chunk: Buffer) => {
        output.push(chunk.toString());
        if (/Open http/.test(output.join(''))) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`instance ${label} exited with ${code}: ${output.join('')}`));
      });
    });
    return { name: label, url: `http://127.0.0.1:${port}`, child, output };
  }

  /** Starts a login on `start`, consents in the emulator, delivers the callback to `finish`. */
  async function login(
    browser: Browser,
    user: number,
    start: Instance,
    finish: Instance,
  ): Promise<BrowserResponse[]> {
    const begin = await browser.send(start.url, 'GET', `/auth/agilecrm?account=${account(user)}`);
    if (begin.status !== 302 || begin.location === undefined) return [begin];
    const back = new URL(emu.approve(begin.location));
    const done = await browser.send(finish.url, 'GET', back.pathname + back.search);
    return [begin, done];
  }

  function shown(page: string): { name?: string; email?: string; account?: string } {
    const pick = (re: RegExp): string | undefined => re.exec(page)?.[1]?.trim();
    return {
      name: pick(/<h1>([^<]*)<\/h1>/),
      email: pick(/<dt>Email<\/dt>\s*<dd>([^<]*)<\/dd>/),
      account: pick(/<dt>Account<\/dt>\s*<dd>([^<]*)\.agilecrm\.com<\/dd>/),
    };
  }

  it('completes on instance B a login started on instance A', async () => {
    const [a, b] = instances as [Instance, Instance];
    const browser = new Browser();
    const [begin, done] = await login(browser, 0, a, b);
    expect(begin!.status).to.equal(302);
    expect(done!.status, done!.body.slice(0, 300)).to.equal(303);
    expect(done!.location).to.equal('/profile');
    for (const instance of [b, a]) {
      const page = await browser.send(instance.url, 'GET', '/profile');
      expect(page.status).to.equal(200);
      expect(shown(page.body)).to.deep.equal({
        name: name(0),
        email: email(0),
        account: account(0),
      });
    }
  });

  it('serves 2,000 logins by 50 concurrent users across both: none lost, none mixed up', async () => {
    const figures: Figures = {
      logins: 0,
      lostSessions: 0,
      crossUser: 0,
      unexpected5xx: 0,
      logoutsChecked: 0,
      requests: 0,
      seconds: 0,
      loginsPerSecond: 0,
      byInstance: { A: 0, B: 0 },
    };
    const problems: string[] = [];
    const started = performance.now();

    const count = (responses: BrowserResponse[]): void => {
      figures.requests += responses.length;
      for (const r of responses) if (r.status >= 500) figures.unexpected5xx += 1;
    };

    async function user(u: number): Promise<void> {
      const browser = new Browser();
      for (let n = 0; n < LOGINS / USERS; n++) {
        const first = instances[(u + n) % 2]!;
        const other = instances[(u + n + 1) % 2]!;
        figures.byInstance[first.name]! += 1;
        const steps = await login(browser, u, first, other);
        count(steps);
        figures.logins += 1;
        const done = steps[1];
        if (done?.status !== 303 || done.location !== '/profile') {
          figures.lostSessions += 1;
          problems.push(`user ${u} login ${n}: callback ${done?.status ?? steps[0]!.status}`);
          continue;
        }
        // Check on either instance, chosen by the login number so both are used.
        const viewer = instances[(u * 7 + n * 3) % 2]!;
        const page = await browser.send(viewer.url, 'GET', '/profile');
        count([page]);
        const seen = shown(page.body);
        if (page.status !== 200 || seen.email === undefined) {
          figures.lostSessions += 1;
          const title = /<h1>([^<]*)<\/h1>/.exec(page.body)?.[1] ?? '';
          problems.push(
            `user ${u} login ${n}: profile ${page.status} "${title}" on ${viewer.name}`,
          );
          continue;
        }
        if (seen.email !== email(u) || seen.name !== name(u) || seen.account !== account(u)) {
          figures.crossUser += 1;
          problems.push(`user ${u} login ${n}: saw ${JSON.stringify(seen)}`);
          continue;
        }
        if (n % 4 === 3) {
          // Log out now and then (on the other instance) and check the session is gone everywhere.
          const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
          const out = await browser.send(
            other.url,
            'POST',
            '/logout',
            `_csrf=${encodeURIComponent(csrf)}`,
          );
          const after = await browser.send(first.url, 'GET', '/profile');
          count([out, after]);
          if (out.status !== 303 || after.status !== 303) {
            problems.push(
              `user ${u} login ${n}: logout ${out.status}, then profile ${after.status}`,
            );
          }
          figures.logoutsChecked += 1;
        }
      }
    }

    await Promise.all(Array.from({ length: USERS }, (_, u) => user(u)));
    figures.seconds = Math.round((performance.now() - started) / 100) / 10;
    figures.loginsPerSecond = Math.round(figures.logins / figures.seconds);
    console.log(`      figures: ${JSON.stringify(figures)}`);

    const logs = instances.map((i) => `${i.name}: ${i.output.join('').slice(-2000)}`).join('\n');
    expect(
      problems.slice(0, 10),
      `${problems.length} problems; app output:\n${logs}`,
    ).to.deep.equal([]);
    expect(figures.logins).to.equal(LOGINS);
    expect(figures.lostSessions).to.equal(0);
    expect(figures.crossUser).to.equal(0);
    expect(figures.unexpected5xx).to.equal(0);
    expect(figures.byInstance['A']).to.equal(LOGINS / 2);
    // Both processes are still up.
    for (const instance of instances) expect(instance.child.exitCode).to.equal(null);
  });
});
