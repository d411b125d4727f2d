import { expect } from 'chai';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import {
  configFor,
  demoAccount,
  formField,
  oauthLogin,
  sessionCookie,
  sessionIdOf,
  startApp,
  startEmulator,
  storedSessions,
  tempDir,
  type RunningApp,
} from './helpers';

describe('example app: logout', () => {
  let emu: RunningEmulator;
  let app: RunningApp;
  let tmp: ReturnType<typeof tempDir>;

  before(async () => {
    emu = await startEmulator();
    tmp = tempDir();
    app = await startApp(configFor(emu, tmp.dir));
  });
  afterEach(() => emu.clearFaults());
  after(async () => {
    await app.close();
    await emu.close();
    tmp.remove();
  });

  const dbPath = (): string =>
    app.config.sessionStore.kind === 'sqlite' ? app.config.sessionStore.path : '';

  async function loggedIn(): Promise<{
    agent: ReturnType<RunningApp['agent']>;
    sid: string;
    csrf: string;
  }> {
    const agent = app.agent();
    const callback = await oauthLogin(agent, emu);
    const profile = await agent.get('/profile').expect(200);
    return {
      agent,
      sid: sessionIdOf(sessionCookie(callback)!),
      csrf: formField(profile.text, '_csrf'),
    };
  }

  it('refuses a logout without the CSRF token, and with a wrong one', async () => {
    const { agent } = await loggedIn();
    const none = await agent.post('/logout').type('form').send({});
    expect(none.status).to.equal(403);
    expect(none.text).to.include('This form has expired');
    const wrong = await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: 'x'.repeat(40) });
    expect(wrong.status).to.equal(403);
    await agent.get('/profile').expect(200);
  });

  it('revokes both tokens, destroys the session, clears the cookie', async () => {
    const { agent, sid, csrf } = await loggedIn();
    const before = emu.stats.revoke;
    const res = await agent.post('/logout').type('form').send({ _csrf: csrf });
    expect(res.status).to.equal(303);
    expect(res.headers['location']).to.equal('/?notice=logged-out');
    expect(emu.stats.revoke - before).to.equal(2);
    const cleared = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('agilecrm_example.sid='));
    expect(cleared).to.match(/Expires=Thu, 01 Jan 1970/);
    expect(storedSessions(dbPath()).map((r) => r.sid)).not.to.include(sid);
    const home = await agent.get('/?notice=logged-out').expect(200);
    expect(home.text).to.include('You have been logged out.');
    await agent.get('/profile').expect(303);
  });

  it('logs out even when revocation fails', async () => {
    const { agent, csrf } = await loggedIn();
    emu.fault('revoke', 'status-500');
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
    await agent.get('/profile').expect(303);
    expect(app.logs.some((l) => l.startsWith('Token revocation failed'))).to.equal(true);
  });

  it('revokes nothing for an API-key user (an API key cannot be revoked by the app)', async () => {
    const agent = app.agent();
    const user = demoAccount(emu).users[0]!;
    const home = await agent.get('/').expect(200);
    await agent
      .post('/auth/apikey')
      .type('form')
      .send({
        _csrf: formField(home.text, '_csrf'),
        domain: 'demo',
        email: user.email,
        apiKey: user.apiKey,
      })
      .expect(303);
    const profile = await agent.get('/profile').expect(200);
    const before = emu.stats.revoke;
    await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: formField(profile.text, '_csrf') })
      .expect(303);
    expect(emu.stats.revoke).to.equal(before);
    await agent.get('/profile').expect(303);
  });
});
