import { expect } from 'chai';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import request from 'supertest';
import type { AppConfig } from '../../example-app/src/app';
import {
  configFor,
  oauthLogin,
  sessionCookie,
  startApp,
  startEmulator,
  tempDir,
  type RunningApp,
} from './support/app';

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

  /** Starts an app with `config` and logs in on it; returns the app and the session cookie. */
  async function loginOnNewApp(config: AppConfig): Promise<{ app: RunningApp; cookie: string }> {
    const app = await startApp(config);
    running.push(app);
    const callback = await oauthLogin(app.agent(), emu);
    return { app, cookie: `agilecrm_example.sid=${sessionCookie(callback)}` };
  }

  it('keeps the user logged in across an app restart', async () => {
    const config = configFor(emu, tmp.dir);
    const { app: first, cookie } = await loginOnNewApp(config);
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
    const { cookie } = await loginOnNewApp(config);
    const other = await startApp({
      ...config,
      sessionSecret: 'another-secret-0123456789abcdefghij',
    });
    running.push(other);
    await request(other.url).get('/profile').set('Cookie', cookie).expect(303);
  });
});
