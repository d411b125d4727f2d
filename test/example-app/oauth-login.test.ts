import { expect } from 'chai';
import type { RunningEmulator } from 'passport-agilecrm/testing';
import request from 'supertest';
import {
  consent,
  demoAccount,
  oauthLogin,
  sessionCookie,
  sessionIdOf,
  sessionSetCookie,
  storedSessions,
  storedTokens,
  useApp,
  withApp,
} from './support/app';

function contactName(contact: RunningEmulator['accounts'][number]['contacts'][number]): string {
  const prop = (name: string): string =>
    contact.properties.find((p) => p.name === name)?.value ?? '';
  return `${prop('first_name')} ${prop('last_name')}`.trim();
}

/** The whole Set-Cookie line of the cookie `name`, if the response set it. */
function setCookieNamed(res: request.Response, name: string): string | undefined {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return lines.find((line) => line.startsWith(`${name}=`));
}

const escaped = (text: string): string => text.replace(/&/g, '&amp;').replace(/'/g, '&#39;');

describe('example app: Log in with Agile CRM', () => {
  const setup = useApp();

  it('logs in through the consent page and shows the user and the first page of contacts', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const callback = await oauthLogin(agent, emu);
    expect(callback.status).to.equal(303);
    expect(callback.headers['location']).to.equal('/profile');

    const profile = await agent.get('/profile').expect(200);
    const account = demoAccount(emu);
    const user = account.users[0]!;
    expect(profile.text).to.include(user.name);
    expect(profile.text).to.include(user.email);
    expect(profile.text).to.include(`src="${user.pic}"`);
    expect(profile.text).to.include('demo.agilecrm.com');
    expect(profile.text).to.include('Log in with Agile CRM (OAuth 2.0)');
    const names = account.contacts.map(contactName);
    for (const name of names.slice(0, 10)) expect(profile.text).to.include(escaped(name));
    expect(profile.text).not.to.include(`<td>${escaped(names[10]!)}</td>`);
    expect(profile.text).to.match(/rel="next"\s+href="\/profile\?cursor=/);
  });

  it('pages through every contact with the next-page link', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    await oauthLogin(agent, emu);
    const seen: string[] = [];
    let path: string | undefined = '/profile';
    let pages = 0;
    while (path !== undefined && pages < 10) {
      const page: request.Response = await agent.get(path).expect(200);
      pages++;
      seen.push(...[...page.text.matchAll(/<tr>\s*<td>([^<]*)<\/td>/g)].map((m) => m[1]!));
      const next: string | undefined = /rel="next"\s+href="([^"]+)"/.exec(page.text)?.[1];
      path = next?.replace(/&amp;/g, '&');
      if (pages > 1) expect(page.text).to.include('First page');
    }
    const all = demoAccount(emu).contacts.map((c) => escaped(contactName(c)));
    expect(pages).to.equal(Math.ceil(all.length / 10));
    expect(seen).to.deep.equal(all);
  });

  it('changes the session id at login', async () => {
    const { emu, app, dbPath } = setup;
    const agent = app.agent();
    // Neither the home page nor the login start stores a session, so the session to replace is
    // that of an earlier login in this browser.
    const first = await oauthLogin(agent, emu);
    const before = sessionCookie(first);
    expect(before, 'the first login starts a session').to.be.a('string');
    const { callbackPath } = await consent(agent, emu);
    const callback = await agent.get(callbackPath);
    const after = sessionCookie(callback);
    expect(after).to.be.a('string');
    expect(sessionIdOf(after!)).not.to.equal(sessionIdOf(before!));
    // The pre-login session is gone, so a fixated id is worth nothing.
    const ids = storedSessions(dbPath()).map((r) => r.sid);
    expect(ids).not.to.include(sessionIdOf(before!));
    await request(app.url)
      .get('/profile')
      .set('Cookie', `agilecrm_example.sid=${before}`)
      .expect(303)
      .expect('location', /^\/\?notice=login-required/);
  });

  it('returns to a same-origin returnTo after login', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    const callback = await oauthLogin(agent, emu, { returnTo: '/?from=login' });
    expect(callback.headers['location']).to.equal('/?from=login');
  });

  for (const target of [
    '//evil.example',
    '/\\evil.example',
    'https://evil.example/x',
    '/\t/evil.example',
  ]) {
    it(`refuses the off-site returnTo ${JSON.stringify(target)}`, async () => {
      const { emu, app } = setup;
      const callback = await oauthLogin(app.agent(), emu, { returnTo: target });
      expect(callback.status).to.equal(303);
      expect(callback.headers['location']).to.equal('/profile');
    });
  }

  it('sends a visitor who is not logged in from /profile to the login page, keeping the page', async () => {
    const { app } = setup;
    const res = await request(app.url).get('/profile?cursor=abc').expect(303);
    expect(res.headers['location']).to.equal(
      `/?notice=login-required&returnTo=${encodeURIComponent('/profile?cursor=abc')}`,
    );
    const home = await request(app.url)
      .get(res.headers['location'] as string)
      .expect(200);
    expect(home.text).to.include('Please log in to see that page.');
    expect(home.text).to.include('name="returnTo" value="/profile?cursor=abc"');
  });

  it('sets the session cookie httpOnly and SameSite=Lax', async () => {
    const { emu, app } = setup;
    const callback = await oauthLogin(app.agent(), emu);
    const cookie = sessionSetCookie(callback);
    expect(cookie).to.match(/; HttpOnly/i);
    expect(cookie).to.match(/; SameSite=Lax/i);
    expect(cookie).to.match(/; Path=\//i);
    // Plain http without TRUST_PROXY: a Secure cookie would never come back.
    expect(cookie).not.to.match(/; Secure/i);
  });

  it('marks the cookies Secure behind an HTTPS proxy when TRUST_PROXY is set', async () => {
    await withApp({ config: { trustProxy: 1 } }, async ({ emu, app: proxied }) => {
      const https = { 'X-Forwarded-Proto': 'https' };
      const start = await request(proxied.url)
        .get('/auth/agilecrm?account=demo')
        .set(https)
        .expect(302);
      const pending = setCookieNamed(start, '__Host-agilecrm_pending');
      expect(pending).to.match(/; Secure/i);
      expect(pending).to.match(/; HttpOnly/i);
      const back = new URL(emu.approve(start.headers['location'] as string));
      const callback = await request(proxied.url)
        .get(back.pathname + back.search)
        .set(https)
        .set('Cookie', pending!.split(';')[0]!)
        .expect(303);
      const cookie = sessionSetCookie(callback);
      expect(cookie).to.match(/; Secure/i);
      expect(cookie).to.match(/; HttpOnly/i);
    });
  });

  it('starts a login without storing anything server-side: the pending login is in a sealed cookie', async () => {
    const { emu, app, dbPath } = setup;
    const agent = app.agent();
    const sessionsBefore = storedSessions(dbPath()).length;
    const { start, callbackPath } = await consent(agent, emu, { returnTo: '/?from=sealed' });
    expect(sessionSetCookie(start), 'no session at login start').to.equal(undefined);
    expect(storedSessions(dbPath())).to.have.length(sessionsBefore);
    const pending = setCookieNamed(start, 'agilecrm_pending');
    expect(pending).to.match(/; HttpOnly/i);
    expect(pending).to.match(/; SameSite=Lax/i);
    expect(pending).not.to.include('sealed');
    const callback = await agent.get(callbackPath).expect(303);
    expect(callback.headers['location']).to.equal('/?from=sealed');
    expect(setCookieNamed(callback, 'agilecrm_pending')).to.match(/^agilecrm_pending=;.*Max-Age=0/);
    expect(storedSessions(dbPath())).to.have.length(sessionsBefore + 1);
  });

  it('keeps tokens out of every page, cookie and log line, and encrypted in the store', async () => {
    const { emu, app, dbPath } = setup;
    const agent = app.agent();
    const callback = await oauthLogin(agent, emu);
    const sid = sessionIdOf(sessionCookie(callback)!);
    const path = dbPath();
    const tokens = storedTokens(path, sid);
    expect(tokens.accessToken).to.be.a('string').with.length.greaterThan(8);
    expect(tokens.refreshToken).to.be.a('string').with.length.greaterThan(8);

    const responses = [
      callback,
      await agent.get('/profile').expect(200),
      await agent.get('/').expect(200),
      await agent.get('/nowhere').expect(404),
    ];
    const raw = storedSessions(path).find((r) => r.sid === sid)!.sess;
    const everything = [
      ...responses.map((r) => r.text ?? ''),
      ...responses.map((r) => JSON.stringify(r.headers)),
      raw,
      ...app.logs,
    ].join('\n');
    for (const secret of [tokens.accessToken, tokens.refreshToken!, emu.clientSecret]) {
      expect(everything).not.to.include(secret);
    }
    expect(JSON.parse(raw).credentials).to.match(/^v1\./);
  });

  it('marks pages no-store so the back button cannot show them from a cache', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    await oauthLogin(agent, emu);
    const profile = await agent.get('/profile').expect(200);
    expect(profile.headers['cache-control']).to.equal('no-store');
    expect(profile.headers['content-security-policy']).to.include("form-action 'self' " + emu.url);
  });

  it('logs requests by method and path only, never the query string', async () => {
    const { emu, app } = setup;
    const agent = app.agent();
    await oauthLogin(agent, emu);
    const callbackLines = app.logs.filter((l) => l.includes('/auth/agilecrm/callback'));
    expect(callbackLines.length).to.be.greaterThan(0);
    for (const line of app.logs) expect(line).not.to.match(/code=|state=|\?/);
  });
});
