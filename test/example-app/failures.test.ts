import { expect } from 'chai';
import request from 'supertest';
import { withClockAhead } from '../support/clock';
import {
  apiKeyFields,
  apiKeyLogin,
  consent,
  demoAccount,
  oauthLogin,
  useApp,
  withApp,
} from './support/app';

/** A friendly page: a title, a retry link, and nothing that looks like internals. */
function expectFriendly(res: request.Response, title: string, retry = '/'): void {
  expect(res.type).to.equal('text/html');
  expect(res.text).to.include(`<h1>${title}</h1>`);
  expect(res.text).to.include(`class="button" href="${retry}"`);
  expect(res.text).not.to.match(/\bat .+\.(ts|js):\d+|Error:|AgileCRM\w*Error|TokenError|stack/);
}

describe('example app: failure pages', () => {
  const setup = useApp();

  it('explains a denied consent and offers to try again', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const res = await oauthLogin(agent, emu, { deny: true });
    expect(res.status).to.equal(403);
    expectFriendly(res, 'Access was not granted');
    await agent.get('/profile').expect(303);
  });

  it('refuses a forged state without asking Agile CRM for tokens', async () => {
    const { emu, app } = setup;
    const before = emu.stats.token;
    const res = await app.agent().get('/auth/agilecrm/callback?code=abc&state=forged-state');
    expect(res.status).to.equal(403);
    expectFriendly(res, 'This login link has expired');
    expect(emu.stats.token).to.equal(before);
  });

  it('refuses a callback that lands in another browser', async () => {
    const { emu, app } = setup;
    const { callbackPath } = await consent(app.agent(), emu);
    const before = emu.stats.token;
    const res = await app.agent().get(callbackPath);
    expect(res.status).to.equal(403);
    expectFriendly(res, 'This login link has expired');
    expect(emu.stats.token).to.equal(before);
  });

  it('refuses a replayed callback', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const { callbackPath } = await consent(agent, emu);
    await agent.get(callbackPath).expect(303);
    const again = await agent.get(callbackPath);
    expect(again.status).to.equal(403);
    expectFriendly(again, 'This login link has expired');
  });

  it('refuses a state that expired (older than 10 minutes)', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const { callbackPath } = await consent(agent, emu);
    const res = await withClockAhead(11 * 60 * 1000, () => agent.get(callbackPath));
    expect(res.status).to.equal(403);
    expectFriendly(res, 'This login link has expired');
  });

  it('refuses an account name that is not one DNS label', async () => {
    const { app } = setup;
    const res = await app.agent().get('/auth/agilecrm?account=evil.example%2Fx');
    expect(res.status).to.equal(400);
    expectFriendly(res, 'Check the account name');
  });

  it('shows "Agile CRM is having trouble" when the token endpoint answers 500', async () => {
    const { emu, app } = setup;
    emu.fault('token', 'status-500');
    const res = await oauthLogin(app.agent(), emu);
    expect(res.status).to.equal(502);
    expectFriendly(res, 'Agile CRM is having trouble');
  });

  it('shows "not reachable" when the token endpoint never answers (bounded by the timeout)', async () => {
    const { emu, app } = setup;
    emu.fault('token', 'hang');
    const res = await oauthLogin(app.agent(), emu);
    expect(res.status).to.equal(502);
    expectFriendly(res, 'Agile CRM is not reachable');
    expect(res.text).to.include('did not answer in time');
  });

  it('shows "not reachable" when the connection is reset during the profile request', async () => {
    const { emu, app } = setup;
    emu.fault('current-user', 'reset');
    const res = await oauthLogin(app.agent(), emu);
    expect(res.status).to.equal(502);
    expectFriendly(res, 'Agile CRM is not reachable');
  });

  it('keeps the user logged in and offers a retry of the same page when contacts fail', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    await oauthLogin(agent, emu);
    emu.fault('contacts', 'truncated-json', 1);
    const res = await agent.get('/profile');
    expect(res.status).to.equal(502);
    expectFriendly(res, 'Agile CRM sent an unexpected answer', '/profile');
    await agent.get('/profile').expect(200);
  });

  it('offers the first page when Agile CRM refuses a contacts cursor', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    await oauthLogin(agent, emu);
    const res = await agent.get('/profile?cursor=not-a-cursor');
    expect(res.status).to.equal(502);
    expectFriendly(res, 'Agile CRM is having trouble', '/profile');
  });

  it('says Agile CRM is busy when its daily quota is used up', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    await oauthLogin(agent, emu);
    emu.fault('contacts', 'quota', 1);
    const res = await agent.get('/profile');
    expect(res.status).to.equal(503);
    expectFriendly(res, 'Agile CRM is busy', '/profile');
  });

  it('shows "not reachable" when the emulator is down (API-key login and profile)', async () => {
    await withApp({}, async ({ emu: down, app: downApp }) => {
      const user = demoAccount(down).users[0]!;
      const form = apiKeyFields(user);
      const agent = downApp.agent();
      const first = await apiKeyLogin(agent, form);
      expect(first.status).to.equal(303);
      await down.close();
      const profile = await agent.get('/profile');
      expect(profile.status).to.equal(502);
      expectFriendly(profile, 'Agile CRM is not reachable', '/profile');

      const login = await apiKeyLogin(downApp.agent(), form);
      expect(login.status).to.equal(502);
      expectFriendly(login, 'Agile CRM is not reachable');
    });
  });

  it('answers unknown pages with a friendly 404', async () => {
    const { app } = setup;
    const res = await request(app.url).get('/no/such/page');
    expect(res.status).to.equal(404);
    expectFriendly(res, 'Page not found');
  });
});
