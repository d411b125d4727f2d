import { expect } from 'chai';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import {
  configFor,
  demoAccount,
  formField,
  sessionCookie,
  sessionIdOf,
  startApp,
  startEmulator,
  storedSessions,
  tempDir,
  type RunningApp,
} from './helpers';

describe('example app: Connect with API key', () => {
  let emu: RunningEmulator;
  let app: RunningApp;
  let tmp: ReturnType<typeof tempDir>;

  before(async () => {
    emu = await startEmulator();
    tmp = tempDir();
    app = await startApp(configFor(emu, tmp.dir));
  });
  after(async () => {
    await app.close();
    await emu.close();
    tmp.remove();
  });

  async function post(
    agent: ReturnType<RunningApp['agent']>,
    fields: Record<string, string>,
    withToken = true,
  ) {
    const home = await agent.get('/').expect(200);
    const form = withToken ? { _csrf: formField(home.text, '_csrf'), ...fields } : fields;
    return agent.post('/auth/apikey').type('form').send(form);
  }

  it('logs in with the account, email and API key and shows the profile with contacts', async () => {
    const agent = app.agent();
    const user = demoAccount(emu).users[0]!;
    const res = await post(agent, { domain: 'demo', email: user.email, apiKey: user.apiKey });
    expect(res.status).to.equal(303);
    expect(res.headers['location']).to.equal('/profile');
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).to.include(user.name);
    expect(profile.text).to.include('REST API key');
    expect(profile.text).to.match(/rel="next"/);
  });

  it('logs in to another account of the same app (multi-tenant)', async () => {
    const agent = app.agent();
    const acme = emu.accounts.find((a) => a.domain === 'acme')!;
    const owner = acme.users[0]!;
    await post(agent, { domain: 'acme', email: owner.email, apiKey: owner.apiKey }).then((r) =>
      expect(r.status).to.equal(303),
    );
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).to.include('acme.agilecrm.com');
    expect(profile.text).to.include(owner.email);
  });

  it('shows the form again with a clear message for a wrong key, and stays logged out', async () => {
    const agent = app.agent();
    const user = demoAccount(emu).users[0]!;
    const res = await post(agent, { domain: 'demo', email: user.email, apiKey: 'wrong-key-123' });
    expect(res.status).to.equal(401);
    expect(res.text).to.include('Invalid Agile CRM email or API key');
    expect(res.text).to.include(`value="${user.email}"`);
    expect(res.text).not.to.include('wrong-key-123');
    await agent.get('/profile').expect(303);
  });

  it('answers 400 with the reason for a malformed account name, without calling Agile CRM', async () => {
    const agent = app.agent();
    const before = emu.stats.currentUser;
    const res = await post(agent, { domain: 'not a domain!', email: 'a@b.c', apiKey: 'k' });
    expect(res.status).to.equal(400);
    expect(res.text).to.include('valid Agile CRM account name');
    expect(emu.stats.currentUser).to.equal(before);
  });

  it('refuses a post without the CSRF token before checking any credentials', async () => {
    const agent = app.agent();
    const user = demoAccount(emu).users[0]!;
    const before = emu.stats.currentUser;
    const res = await post(
      agent,
      { domain: 'demo', email: user.email, apiKey: user.apiKey },
      false,
    );
    expect(res.status).to.equal(403);
    expect(res.text).to.include('This form has expired');
    expect(emu.stats.currentUser).to.equal(before);
    await agent.get('/profile').expect(303);
  });

  it('keeps the API key out of pages, cookies, logs and the stored session', async () => {
    const agent = app.agent();
    const user = demoAccount(emu).users[0]!;
    const login = await post(agent, { domain: 'demo', email: user.email, apiKey: user.apiKey });
    const profile = await agent.get('/profile').expect(200);
    const sid = sessionIdOf(sessionCookie(login)!);
    const path = app.config.sessionStore.kind === 'sqlite' ? app.config.sessionStore.path : '';
    const raw = storedSessions(path).find((r) => r.sid === sid)!.sess;
    const everything = [
      login.text,
      JSON.stringify(login.headers),
      profile.text,
      JSON.stringify(profile.headers),
      raw,
      ...app.logs,
    ].join('\n');
    expect(everything).not.to.include(user.apiKey);
  });
});
