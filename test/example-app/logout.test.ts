import { expect } from 'chai';
import {
  apiKeyFields,
  apiKeyLogin,
  demoAccount,
  formField,
  oauthLogin,
  sessionCookie,
  sessionIdOf,
  sessionSetCookie,
  storedSessions,
  useApp,
  type RunningApp,
} from './support/app';

describe('example app: logout', () => {
  const setup = useApp();

  async function loggedIn(): Promise<{
    agent: ReturnType<RunningApp['agent']>;
    sid: string;
    csrf: string;
  }> {
    const agent = setup.app.agent();
    const callback = await oauthLogin(agent, setup.emu);
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
    const { emu } = setup;
    const before = emu.stats.revoke;
    const res = await agent.post('/logout').type('form').send({ _csrf: csrf });
    expect(res.status).to.equal(303);
    expect(res.headers['location']).to.equal('/?notice=logged-out');
    expect(emu.stats.revoke - before).to.equal(2);
    expect(sessionSetCookie(res)).to.match(/Expires=Thu, 01 Jan 1970/);
    expect(storedSessions(setup.dbPath()).map((r) => r.sid)).not.to.include(sid);
    const home = await agent.get('/?notice=logged-out').expect(200);
    expect(home.text).to.include('You have been logged out.');
    await agent.get('/profile').expect(303);
  });

  it('logs out even when revocation fails', async () => {
    const { agent, csrf } = await loggedIn();
    const { emu, app } = setup;
    emu.fault('revoke', 'status-500');
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
    await agent.get('/profile').expect(303);
    expect(app.logs.some((l) => l.startsWith('Token revocation failed'))).to.equal(true);
  });

  it('revokes nothing for an API-key user (an API key cannot be revoked by the app)', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const user = demoAccount(emu).users[0]!;
    const login = await apiKeyLogin(agent, apiKeyFields(user));
    expect(login.status).to.equal(303);
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
