import { expect } from 'chai';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import request from 'supertest';
import {
  configFor,
  oauthLogin,
  sessionCookie,
  startApp,
  startEmulator,
  tempDir,
  type RunningApp,
} from './helpers';

describe('example app: the default SQLite session store', () => {
  let emu: RunningEmulator;
  let tmp: ReturnType<typeof tempDir>;
  const running: RunningApp[] = [];

  before(async () => {
    emu = await startEmulator();
    tmp = tempDir();
  });
  after(async () => {
    for (const app of running) await app.close();
    await emu.close();
    tmp.remove();
  });

  it('keeps the user logged in across an app restart', async () => {
    const config = configFor(emu, tmp.dir);
    const first = await startApp(config);
    running.push(first);
    const callback = await oauthLogin(first.agent(), emu);
    const cookie = `agilecrm_example.sid=${sessionCookie(callback)}`;
    await request(first.url).get('/profile').set('Cookie', cookie).expect(200);
    await first.close();
    running.pop();

    const second = await startApp(config);
    running.push(second);
    const profile = await request(second.url).get('/profile').set('Cookie', cookie);
    expect(profile.status).to.equal(200);
    expect(profile.text).to.include('Dana Demo');
    expect(profile.text).to.match(/rel="next"/);
  });

  it('does not accept the session with another SESSION_SECRET', async () => {
    const config = configFor(emu, tmp.dir);
    const first = await startApp(config);
    running.push(first);
    const callback = await oauthLogin(first.agent(), emu);
    const cookie = `agilecrm_example.sid=${sessionCookie(callback)}`;
    const other = await startApp({
      ...config,
      sessionSecret: 'another-secret-0123456789abcdefghij',
    });
    running.push(other);
    await request(other.url).get('/profile').set('Cookie', cookie).expect(303);
  });
});
