/**
 * The forms' CSRF protection (signed double-submit cookie): a post needs the form's token and the
 * matching cookie; a logged-in user's token works only in that user's session.
 */
import { expect } from 'chai';
import request from 'supertest';
import {
  apiKeyFields,
  demoAccount,
  formField,
  oauthLogin,
  sessionCookie,
  useApp,
  withApp,
} from './support/app';

const CSRF_COOKIE = 'agilecrm_example.csrf';

/** The CSRF cookie's whole Set-Cookie header, if one was set. */
function csrfSetCookie(res: request.Response, name = CSRF_COOKIE): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith(`${name}=`));
}

/** `name=value` of the CSRF cookie set by `res`. */
function csrfPair(res: request.Response): string {
  const header = csrfSetCookie(res);
  if (header === undefined) throw new Error('no CSRF cookie set');
  return header.split(';')[0]!;
}

describe('example app: CSRF protection of the forms', () => {
  const setup = useApp();

  it('gives an anonymous visitor a token in an httpOnly SameSite=Strict cookie and no session', async () => {
    const home = await request(setup.app.url).get('/').expect(200);
    expect(sessionCookie(home)).to.equal(undefined);
    const cookie = csrfSetCookie(home);
    expect(cookie).to.match(/; HttpOnly/);
    expect(cookie).to.match(/; SameSite=Strict/);
    expect(cookie).to.match(/; Path=\//);
    expect(csrfPair(home)).to.equal(`${CSRF_COOKIE}=${formField(home.text, '_csrf')}`);
  });

  it('refuses an API-key post whose token lacks its cookie, or whose cookie is not its own', async () => {
    const { app, emu } = setup;
    const user = demoAccount(emu).users[0]!;
    const ours = await request(app.url).get('/').expect(200);
    const theirs = await request(app.url).get('/').expect(200);
    const fields = apiKeyFields(user);
    const before = emu.stats.currentUser;
    for (const [cookie, token] of [
      [undefined, formField(ours.text, '_csrf')],
      [csrfPair(theirs), formField(ours.text, '_csrf')],
      [`${CSRF_COOKIE}=forged.value`, 'forged.value'],
      // A token with an HMAC made under another key.
      [`${CSRF_COOKIE}=${'0'.repeat(64)}.abcd`, `${'0'.repeat(64)}.abcd`],
    ] as const) {
      const post = request(app.url).post('/auth/apikey').type('form');
      if (cookie !== undefined) void post.set('Cookie', cookie);
      const res = await post.send({ _csrf: token, ...fields });
      expect(res.status, `${cookie}`).to.equal(403);
      expect(res.text).to.include('This form has expired');
    }
    expect(emu.stats.currentUser, 'no credentials checked').to.equal(before);
    // The visitor's own pair is accepted.
    await request(app.url)
      .post('/auth/apikey')
      .set('Cookie', csrfPair(ours))
      .type('form')
      .send({ _csrf: formField(ours.text, '_csrf'), ...fields })
      .expect(303);
  });

  it('accepts a logged-in user’s logout only with a token of that user’s session', async () => {
    const { app, emu } = setup;
    const victim = app.agent();
    const loggedIn = await oauthLogin(victim, emu);
    const session = `agilecrm_example.sid=${sessionCookie(loggedIn)!}`;
    // An attacker's own valid pairs: an anonymous one, and one of their own logged-in session.
    const anonymous = await request(app.url).get('/').expect(200);
    const attacker = app.agent();
    await oauthLogin(attacker, emu);
    const attackerProfile = await attacker.get('/profile').expect(200);
    const attackerToken = formField(attackerProfile.text, '_csrf');
    for (const [pair, token] of [
      [csrfPair(anonymous), formField(anonymous.text, '_csrf')],
      [`${CSRF_COOKIE}=${attackerToken}`, attackerToken],
    ]) {
      const res = await request(app.url)
        .post('/logout')
        .set('Cookie', `${session}; ${pair}`)
        .type('form')
        .send({ _csrf: token });
      expect(res.status).to.equal(403);
    }
    const profile = await victim.get('/profile').expect(200);
    await victim
      .post('/logout')
      .type('form')
      .send({ _csrf: formField(profile.text, '_csrf') })
      .expect(303);
    await victim.get('/profile').expect(303);
  });

  it('uses a __Host- cookie marked Secure when the public URL is HTTPS', async () => {
    await withApp({ config: { https: true } }, async ({ app }) => {
      const home = await request(app.url).get('/').expect(200);
      const cookie = csrfSetCookie(home, `__Host-${CSRF_COOKIE}`);
      expect(cookie).to.match(/; Secure/);
      expect(cookie).to.match(/; Path=\//);
      expect(cookie).not.to.match(/; Domain=/);
    });
  });
});
