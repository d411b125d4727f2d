import { expect } from 'chai';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import { createClient } from 'redis';
import type { AppConfig } from '../../example-app/src/app';
import { requireRedisServer, startRedis, type RedisServer } from '../support/redis-server';
import {
  configFor,
  formField,
  startApp,
  startEmulator,
  tempDir,
  useApp,
  type RunningApp,
} from './support/app';

describe('example app: login rate limit', () => {
  const setup = useApp({ config: { loginRateLimit: 5 } });

  it('answers 429 with standard RateLimit headers once a client floods the login routes', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await agent.get('/auth/agilecrm?account=demo')).status);
    }
    expect(statuses).to.deep.equal([302, 302, 302, 302, 302]);
    const limited = await agent.get('/auth/agilecrm?account=demo');
    expect(limited.status).to.equal(429);
    expect(limited.headers['ratelimit-policy']).to.match(/q=5/);
    expect(limited.headers['ratelimit']).to.match(/r=0/);
    expect(limited.text).to.include('Too many login attempts');

    // The same budget covers the callback and the API-key form.
    await agent.get('/auth/agilecrm/callback?code=x&state=y').expect(429);
    const home = await agent.get('/').expect(200);
    const before = emu.stats.currentUser;
    await agent
      .post('/auth/apikey')
      .type('form')
      .send({ _csrf: formField(home.text, '_csrf'), domain: 'demo', email: 'a@b.c', apiKey: 'k' })
      .expect(429);
    expect(emu.stats.currentUser).to.equal(before);
    // Other pages are not limited.
    await agent.get('/').expect(200);
  });
});

describe('example app: login rate limit across two instances', function () {
  const LIMIT = 10;
  let emu: RunningEmulator;
  let redis: RedisServer;
  let tmp: ReturnType<typeof tempDir>;
  const figures: Record<string, number> = {};

  before(async function () {
    const binary = requireRedisServer(this);
    redis = await startRedis(binary);
    emu = await startEmulator();
    tmp = tempDir();
  });
  after(async () => {
    console.log(`      figures (limit ${LIMIT}/min, two instances): ${JSON.stringify(figures)}`);
    await emu?.close();
    await redis?.stop();
    tmp?.remove();
  });

  /** Login starts one client gets through before its first 429, alternating between A and B. */
  async function allowedAcross(config: AppConfig): Promise<number> {
    const instances: RunningApp[] = [await startApp(config), await startApp(config)];
    try {
      let allowed = 0;
      for (let i = 0; i < 4 * LIMIT; i++) {
        const res = await instances[i % 2]!.agent().get('/auth/agilecrm?account=demo');
        if (res.status === 429) break;
        expect(res.status).to.equal(302);
        allowed += 1;
      }
      return allowed;
    } finally {
      for (const instance of instances) await instance.close();
    }
  }

  it('allows the limit once per instance when each counts in its own memory', async () => {
    figures['perInstance'] = await allowedAcross(
      configFor(emu, tmp.dir, { loginRateLimit: LIMIT }),
    );
    expect(figures['perInstance']).to.equal(2 * LIMIT);
  });

  it('allows the limit once in all when the instances share REDIS_URL', async () => {
    const config = configFor(emu, tmp.dir, {
      loginRateLimit: LIMIT,
      sessionStore: { kind: 'redis', url: redis.url },
    });
    figures['sharedInRedis'] = await allowedAcross(config);
    expect(figures['sharedInRedis']).to.equal(LIMIT);
    // The count is one key per client address, with the window as its lifetime.
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const keys = await client.keys('agilecrm-example:login-limit:*');
      expect(keys).to.have.length(1);
      const ttl = await client.pTTL(keys[0]!);
      expect(ttl).to.be.within(1, 60_000);
    } finally {
      await client.close();
    }
  });
});
