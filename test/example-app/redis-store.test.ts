import { expect } from 'chai';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import request from 'supertest';
import { requireRedisServer, startRedis, type RedisServer } from '../helpers/redis-server';
import {
  configFor,
  oauthLogin,
  startApp,
  startEmulator,
  tempDir,
  type RunningApp,
} from './helpers';

describe('example app: sessions in Redis (REDIS_URL)', function () {
  let emu: RunningEmulator;
  let redis: RedisServer;
  let tmp: ReturnType<typeof tempDir>;
  let a: RunningApp;
  let b: RunningApp;

  before(async function () {
    const binary = requireRedisServer(this);
    redis = await startRedis(binary);
    emu = await startEmulator();
    tmp = tempDir();
    // Behind a load balancer every instance has the same public callback URL.
    const config = configFor(emu, tmp.dir, {
      sessionStore: { kind: 'redis', url: redis.url },
      callbackURL: 'http://localhost:9/auth/agilecrm/callback',
    });
    a = await startApp(config);
    b = await startApp(config);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await emu?.close();
    await redis?.stop();
    tmp?.remove();
  });

  it('finishes on instance B a login started on instance A, and both see the user', async () => {
    const agentA = a.agent();
    const start = await agentA.get('/auth/agilecrm?account=demo').expect(302);
    const cookie = ([] as string[])
      .concat(start.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('agilecrm_example.sid='))!
      .split(';')[0]!;
    const back = new URL(emu.approve(start.headers['location'] as string));
    const callback = await request(b.url)
      .get(back.pathname + back.search)
      .set('Cookie', cookie);
    expect(callback.status).to.equal(303);
    const loggedIn = ([] as string[])
      .concat(callback.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('agilecrm_example.sid='))!
      .split(';')[0]!;
    for (const app of [a, b]) {
      const profile = await request(app.url).get('/profile').set('Cookie', loggedIn).expect(200);
      expect(profile.text).to.include('Dana Demo');
    }
  });

  it('logs in directly on one instance through the Redis store', async () => {
    const agent = a.agent();
    await oauthLogin(agent, emu);
    await agent.get('/profile').expect(200);
  });
});
