import { expect } from 'chai';
import {
  apiKeyFields,
  apiKeyLogin,
  demoAccount,
  sessionCookie,
  sessionIdOf,
  storedSessions,
  useApp,
} from './support/app';

describe('example app: Connect with API key', () => {
  const setup = useApp();

  it('logs in with the account, email and API key and shows the profile with contacts', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const user = demoAccount(emu).users[0]!;
    const res = await apiKeyLogin(agent, apiKeyFields(user));
    expect(res.status).to.equal(303);
    expect(res.headers['location']).to.equal('/profile');
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).to.include(user.name);
    expect(profile.text).to.include('REST API key');
    expect(profile.text).to.match(/rel="next"/);
  });

  it('logs in to another account of the same app (multi-tenant)', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const acme = emu.accounts.find((a) => a.domain === 'acme')!;
    const owner = acme.users[0]!;
    await apiKeyLogin(agent, apiKeyFields(owner, 'acme')).then((r) =>
      expect(r.status).to.equal(303),
    );
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).to.include('acme.agilecrm.com');
    expect(profile.text).to.include(owner.email);
  });

  it('shows the form again with a clear message for a wrong key, and stays logged out', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const user = demoAccount(emu).users[0]!;
    const res = await apiKeyLogin(agent, {
      domain: 'demo',
      email: user.email,
      apiKey: 'wrong-key-123',
    });
    expect(res.status).to.equal(401);
    expect(res.text).to.include('Invalid Agile CRM email or API key');
    expect(res.text).to.include(`value="${user.email}"`);
    expect(res.text).not.to.include('wrong-key-123');
    await agent.get('/profile').expect(303);
  });

  it('answers 400 with the reason for a malformed account name, without calling Agile CRM', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const before = emu.stats.currentUser;
    const res = await apiKeyLogin(agent, { domain: 'not a domain!', email: 'a@b.c', apiKey: 'k' });
    expect(res.status).to.equal(400);
    expect(res.text).to.include('valid Agile CRM account name');
    expect(emu.stats.currentUser).to.equal(before);
  });

  it('refuses a post without the CSRF token before checking any credentials', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const user = demoAccount(emu).users[0]!;
    const before = emu.stats.currentUser;
    const res = await apiKeyLogin(agent, apiKeyFields(user), false);
    expect(res.status).to.equal(403);
    expect(res.text).to.include('This form has expired');
    expect(emu.stats.currentUser).to.equal(before);
    await agent.get('/profile').expect(303);
  });

  it('keeps the API key out of pages, cookies, logs and the stored session', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const user = demoAccount(emu).users[0]!;
    const login = await apiKeyLogin(agent, apiKeyFields(user));
    const profile = await agent.get('/profile').expect(200);
    const sid = sessionIdOf(sessionCookie(login)!);
    const raw = storedSessions(setup.dbPath()).find((r) => r.sid === sid)!.sess;
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
