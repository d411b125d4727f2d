import { expect } from 'chai';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import request from 'supertest';
import { requireRedisServer, startRedis, type RedisServer } from '../support/redis-server';
import {
  configFor,
  consent,
  oauthLogin,
  sessionCookie,
  startApp,
  startEmulator,
  tempDir,
  type RunningApp,
} from './support/app';

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
    const { start, callbackPath } = await consent(a.agent(), emu);
    // The pending login travels in its own cookie; no session exists before the callback.
    const pending = ([] as string[]).concat(start.headers['set-cookie'] ?? [])[0]!;
    expect(pending).to.match(/^agilecrm_pending=/);
    const callback = await request(b.url).get(callbackPath).set('Cookie', pending.split(';')[0]!);
    expect(callback.status).to.equal(303);
    const loggedIn = `agilecrm_example.sid=${sessionCookie(callback)!}`;
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
