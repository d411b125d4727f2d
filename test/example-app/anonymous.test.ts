/**
 * Visitors who are not logged in store nothing on the server: 3,000 anonymous requests across
 * every page such a visitor reaches (home, the friendly failure pages, 404, the API-key form
 * posted with bad input, logout, and OAuth login starts that are never finished) add no session
 * row to SQLite and no session key to Redis: a started login waits in its sealed cookie.
 */
import { expect } from 'chai';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import request from 'supertest';
import { createClient } from 'redis';
import type { AppConfig } from '../../example-app/src/app';
import { requireRedisServer, startRedis, type RedisServer } from '../support/redis-server';
import {
  configFor,
  formField,
  sqlitePath,
  startApp,
  startEmulator,
  storedSessions,
  tempDir,
  type RunningApp,
} from './support/app';

const REQUESTS = 3000;

type Agent = ReturnType<typeof request.agent>;

/** One anonymous visit: the requests it makes, each checked for its expected status. */
type Visit = (agent: Agent) => Promise<number[]>;

const get =
  (path: string, status: number): Visit =>
  async (agent) => [(await agent.get(path).expect(status)).status];

/** Loads the home page (for the CSRF token) and posts the API-key form with `fields`. */
const postApiKey =
  (fields: Record<string, string>, status: number): Visit =>
  async (agent) => {
    const home = await agent.get('/').expect(200);
    const posted = await agent
      .post('/auth/apikey')
      .type('form')
      .send({ _csrf: formField(home.text, '_csrf'), ...fields })
      .expect(status);
    return [home.status, posted.status];
  };

const VISITS: Record<string, Visit> = {
  home: get('/', 200),
  'home with a notice and returnTo': get('/?notice=logged-out&returnTo=%2Fprofile', 200),
  stylesheet: get('/styles.css', 200),
  'profile (login required)': get('/profile', 303),
  '404': get('/no-such-page', 404),
  'login start, never finished': get('/auth/agilecrm', 302),
  'login start for a named account, never finished': get('/auth/agilecrm?account=demo', 302),
  'login start with a bad account': get('/auth/agilecrm?account=not%20an%20account', 400),
  'callback with a forged state': get('/auth/agilecrm/callback?code=x&state=forged', 403),
  'callback, access denied': get('/auth/agilecrm/callback?error=access_denied&state=x', 403),
  'callback without parameters': get('/auth/agilecrm/callback', 400),
  'API-key form without a CSRF token': async (agent) => [
    (await agent.post('/auth/apikey').type('form').send({ domain: 'demo' }).expect(403)).status,
  ],
  'API-key form with a wrong key': postApiKey(
    { domain: 'demo', email: 'demo@example.com', apiKey: 'wrong' },
    401,
  ),
  'API-key form with a bad account': postApiKey(
    { domain: 'not an account', email: 'a@b.c', apiKey: 'k' },
    400,
  ),
  'API-key form empty': postApiKey({}, 400),
  'logout without being logged in': async (agent) => [
    (await agent.post('/logout').type('form').send({}).expect(303)).status,
  ],
};

/** Makes `total` anonymous requests, cycling through every visit, each from a new client. */
async function visitAnonymously(app: RunningApp, total: number): Promise<Record<string, number>> {
  const byVisit: Record<string, number> = {};
  const names = Object.keys(VISITS);
  let made = 0;
  for (let i = 0; made < total; i++) {
    const name = names[i % names.length]!;
    const statuses = await VISITS[name]!(app.agent());
    made += statuses.length;
    byVisit[name] = (byVisit[name] ?? 0) + statuses.length;
  }
  return byVisit;
}

describe('example app: anonymous visitors store nothing', function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  let tmp: ReturnType<typeof tempDir>;
  const figures: Record<string, number> = {};

  before(async () => {
    emu = await startEmulator();
    tmp = tempDir();
  });
  after(async () => {
    console.log(`      figures: ${JSON.stringify(figures)}`);
    await emu?.close();
    tmp?.remove();
  });

  function settings(overrides: Partial<AppConfig> = {}): AppConfig {
    return configFor(emu, tmp.dir, { loginRateLimit: 1_000_000, ...overrides });
  }

  it(`adds no session row to SQLite in ${REQUESTS} anonymous requests`, async () => {
    const app = await startApp(settings());
    try {
      const before = storedSessions(sqlitePath(app)).length;
      const byVisit = await visitAnonymously(app, REQUESTS);
      expect(Object.keys(byVisit)).to.have.length(Object.keys(VISITS).length);
      figures['sqliteRequests'] = Object.values(byVisit).reduce((a, b) => a + b, 0);
      figures['sqliteRowsAdded'] = storedSessions(sqlitePath(app)).length - before;
      expect(figures['sqliteRowsAdded']).to.equal(0);
    } finally {
      await app.close();
    }
  });

  describe('with REDIS_URL', () => {
    let redis: RedisServer;
    before(async function () {
      redis = await startRedis(requireRedisServer(this));
    });
    after(async () => {
      await redis?.stop();
    });

    it(`adds no session key to Redis in ${REQUESTS} anonymous requests`, async () => {
      const app = await startApp(settings({ sessionStore: { kind: 'redis', url: redis.url } }));
      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        const byVisit = await visitAnonymously(app, REQUESTS);
        figures['redisRequests'] = Object.values(byVisit).reduce((a, b) => a + b, 0);
        figures['redisSessionKeys'] = (await client.keys('agilecrm-example:sess:*')).length;
        // The login rate limit's count: one key per client address, gone after its minute.
        const limitKeys = await client.keys('agilecrm-example:login-limit:*');
        figures['redisRateLimitKeys'] = limitKeys.length;
        figures['redisKeys'] = await client.dbSize();
        expect(figures['redisSessionKeys']).to.equal(0);
        expect(figures['redisKeys']).to.equal(limitKeys.length);
        expect(limitKeys.length).to.be.at.most(1);
      } finally {
        await client.close();
        await app.close();
      }
    });
  });
});
