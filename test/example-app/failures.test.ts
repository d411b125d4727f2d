import { expect } from 'chai';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import request from 'supertest';
import {
  configFor,
  demoAccount,
  formField,
  oauthLogin,
  startApp,
  startEmulator,
  tempDir,
  type RunningApp,
} from './helpers';

/** A friendly page: a title, a retry link, and nothing that looks like internals. */
function expectFriendly(res: request.Response, title: string, retry = '/'): void {
  expect(res.type).to.equal('text/html');
  expect(res.text).to.include(`<h1>${title}</h1>`);
  expect(res.text).to.include(`class="button" href="${retry}"`);
  expect(res.text).not.to.match(/\bat .+\.(ts|js):\d+|Error:|AgileCRM\w*Error|TokenError|stack/);
}

describe('example app: failure pages', () => {
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

  it('explains a denied consent and offers to try again', async () => {
    const agent = app.agent();
    const res = await oauthLogin(agent, emu, { deny: true });
    expect(res.status).to.equal(403);
    expectFriendly(res, 'Access was not granted');
    await agent.get('/profile').expect(303);
  });

  it('refuses a forged state without asking Agile CRM for tokens', async () => {
    const before = emu.stats.token;
    const res = await app.agent().get('/auth/agilecrm/callback?code=abc&state=forged-state');
    expect(res.status).to.equal(403);
    expectFriendly(res, 'This login link has expired');
    expect(emu.stats.token).to.equal(before);
  });

  it('refuses a callback that lands in another browser', async () => {
    const start = await app.agent().get('/auth/agilecrm?account=demo').expect(302);
    const back = new URL(emu.approve(start.headers['location'] as string));
    const before = emu.stats.token;
    const res = await app.agent().get(back.pathname + back.search);
    expect(res.status).to.equal(403);
    expectFriendly(res, 'This login link has expired');
    expect(emu.stats.token).to.equal(before);
  });

  it('refuses a replayed callback', async () => {
    const agent = app.agent();
    const start = await agent.get('/auth/agilecrm?account=demo').expect(302);
    const back = new URL(emu.approve(start.headers['location'] as string));
    await agent.get(back.pathname + back.search).expect(303);
    const again = await agent.get(back.pathname + back.search);
    expect(again.status).to.equal(403);
    expectFriendly(again, 'This login link has expired');
  });

  it('refuses a state that expired (older than 10 minutes)', async () => {
    const agent = app.agent();
    const start = await agent.get('/auth/agilecrm?account=demo').expect(302);
    const back = new URL(emu.approve(start.headers['location'] as string));
    const realNow = Date.now;
    Date.now = () => realNow() + 11 * 60 * 1000;
    try {
      const res = await agent.get(back.pathname + back.search);
      expect(res.status).to.equal(403);
      expectFriendly(res, 'This login link has expired');
    } finally {
      Date.now = realNow;
    }
  });

  it('refuses an account name that is not one DNS label', async () => {
    const res = await app.agent().get('/auth/agilecrm?account=evil.example%2Fx');
    expect(res.status).to.equal(400);
    expectFriendly(res, 'Check the account name');
  });

  it('shows "Agile CRM is having trouble" when the token endpoint answers 500', async () => {
    emu.fault('token', 'status-500');
    const res = await oauthLogin(app.agent(), emu);
    expect(res.status).to.equal(502);
    expectFriendly(res, 'Agile CRM is having trouble');
  });

  it('shows "not reachable" when the token endpoint never answers (bounded by the timeout)', async () => {
    emu.fault('token', 'hang');
    const res = await oauthLogin(app.agent(), emu);
    expect(res.status).to.equal(502);
    expectFriendly(res, 'Agile CRM is not reachable');
    expect(res.text).to.include('did not answer in time');
  });

  it('shows "not reachable" when the connection is reset during the profile request', async () => {
    emu.fault('current-user', 'reset');
    const res = await oauthLogin(app.agent(), emu);
    expect(res.status).to.equal(502);
    expectFriendly(res, 'Agile CRM is not reachable');
  });

  it('keeps the user logged in and offers a retry of the same page when contacts fail', async () => {
    const agent = app.agent();
    await oauthLogin(agent, emu);
    emu.fault('contacts', 'truncated-json', 1);
    const res = await agent.get('/profile');
    expect(res.status).to.equal(502);
    expectFriendly(res, 'Agile CRM sent an unexpected answer', '/profile');
    await agent.get('/profile').expect(200);
  });

  it('offers the first page when Agile CRM refuses a contacts cursor', async () => {
    const agent = app.agent();
    await oauthLogin(agent, emu);
    const res = await agent.get('/profile?cursor=not-a-cursor');
    expect(res.status).to.equal(502);
    expectFriendly(res, 'Agile CRM is having trouble', '/profile');
  });

  it('says Agile CRM is busy when its daily quota is used up', async () => {
    const agent = app.agent();
    await oauthLogin(agent, emu);
    emu.fault('contacts', 'quota', 1);
    const res = await agent.get('/profile');
    expect(res.status).to.equal(503);
    expectFriendly(res, 'Agile CRM is busy', '/profile');
  });

  it('shows "not reachable" when the emulator is down (API-key login and profile)', async () => {
    const down = await startEmulator();
    const user = demoAccount(down).users[0]!;
    const dir = tempDir();
    const downApp = await startApp(configFor(down, dir.dir));
    let closed = false;
    try {
      const agent = downApp.agent();
      const home = await agent.get('/').expect(200);
      const form = {
        _csrf: formField(home.text, '_csrf'),
        domain: 'demo',
        email: user.email,
        apiKey: user.apiKey,
      };
      await agent.post('/auth/apikey').type('form').send(form).expect(303);
      await down.close();
      closed = true;
      const profile = await agent.get('/profile');
      expect(profile.status).to.equal(502);
      expectFriendly(profile, 'Agile CRM is not reachable', '/profile');

      const other = downApp.agent();
      const page = await other.get('/').expect(200);
      const login = await other
        .post('/auth/apikey')
        .type('form')
        .send({ ...form, _csrf: formField(page.text, '_csrf') });
      expect(login.status).to.equal(502);
      expectFriendly(login, 'Agile CRM is not reachable');
    } finally {
      if (!closed) await down.close();
      await downApp.close();
      dir.remove();
    }
  });

  it('answers unknown pages with a friendly 404', async () => {
    const res = await request(app.url).get('/no/such/page');
    expect(res.status).to.equal(404);
    expectFriendly(res, 'Page not found');
  });
});
