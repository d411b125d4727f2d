import { expect } from 'chai';
import {
  oauthLogin,
  sessionCookie,
  sessionIdOf,
  storedTokens,
  useApp,
  withApp,
} from './support/app';

describe('example app: token refresh', () => {
  const setup = useApp();

  it('refreshes once when Agile CRM answers 401, retries, and stores the new tokens', async () => {
    const { emu, app, dbPath } = setup;
    const agent = app.agent();
    const callback = await oauthLogin(agent, emu);
    const sid = sessionIdOf(sessionCookie(callback)!);
    const old = storedTokens(dbPath(), sid);
    emu.expireAccessTokens();
    const before = emu.stats;

    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).to.include('Dana Demo');
    expect(profile.text).to.match(/rel="next"/);
    expect(emu.stats.refresh - before.refresh).to.equal(1);
    // The first contacts request got the 401, the retry succeeded.
    expect(emu.stats.contacts - before.contacts).to.equal(2);

    const fresh = storedTokens(dbPath(), sid);
    expect(fresh.accessToken).not.to.equal(old.accessToken);
    // The next page uses the stored token: no further refresh.
    await agent.get('/profile').expect(200);
    expect(emu.stats.refresh - before.refresh).to.equal(1);
  });

  it('refreshes before the request when the token has expired by its clock', async () => {
    await withApp({ emulator: { accessTokenTTL: 1 } }, async ({ emu, app }) => {
      const agent = app.agent();
      await oauthLogin(agent, emu);
      const before = emu.stats;
      await agent.get('/profile').expect(200);
      expect(emu.stats.refresh - before.refresh).to.equal(1);
      // Refreshed up front: the contacts request was sent once, with the new token.
      expect(emu.stats.contacts - before.contacts).to.equal(1);
    });
  });

  it('shares one refresh between concurrent requests of the same session', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    await oauthLogin(agent, emu);
    emu.expireAccessTokens();
    const before = emu.stats.refresh;
    const pages = await Promise.all([1, 2, 3, 4].map(() => agent.get('/profile')));
    expect(pages.map((p) => p.status)).to.deep.equal([200, 200, 200, 200]);
    expect(emu.stats.refresh - before).to.equal(1);
    await agent.get('/profile').expect(200);
    expect(emu.stats.refresh - before).to.equal(1);
  });

  it('logs the user out with a message when the refresh token is refused', async () => {
    const { emu, app, dbPath } = setup;
    const agent = app.agent();
    const callback = await oauthLogin(agent, emu);
    const sid = sessionIdOf(sessionCookie(callback)!);
    const { refreshToken } = storedTokens(dbPath(), sid);
    // Revoke the grant behind the app's back, as a user could on Agile CRM's side.
    const revoke = await fetch(emu.revokeURL.replace('{domain}', 'demo'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: refreshToken!,
        token_type_hint: 'refresh_token',
        client_id: emu.clientID,
        client_secret: emu.clientSecret,
      }),
    });
    expect(revoke.status).to.equal(200);
    emu.expireAccessTokens();

    const res = await agent.get('/profile');
    expect(res.status).to.equal(303);
    expect(res.headers['location']).to.equal('/?notice=session-ended');
    const home = await agent.get('/?notice=session-ended').expect(200);
    expect(home.text).to.include('Your Agile CRM session has ended. Please log in again.');
    await agent
      .get('/profile')
      .expect(303)
      .expect('location', /notice=login-required/);
  });

  it('keeps the user logged in and shows the error page when the refresh endpoint is down', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    await oauthLogin(agent, emu);
    emu.expireAccessTokens();
    emu.fault('refresh', 'status-500', 1);
    const res = await agent.get('/profile');
    expect(res.status).to.equal(502);
    expect(res.text).to.include('Agile CRM is having trouble');
    expect(res.text).to.include('href="/profile"');
    // Agile CRM is back: the same session refreshes and works.
    await agent.get('/profile').expect(200);
  });
});
