import { expect } from 'chai';
import { createEmulator, type RunningEmulator } from '../../lib/testing/index';
import { authorizeURL, CALLBACK, postForm, pkcePair } from './support/emulator';

function requestID(html: string): string {
  const match = /name="request_id" value="([^"]+)"/.exec(html);
  if (match === null) throw new Error('no request_id on the consent page');
  return match[1] as string;
}

describe('emulator consent page (GET/POST /{domain}/oauth/authorize)', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await createEmulator({
      clients: [
        { clientID: 'registered', clientSecret: 's', redirectURIs: ['https://app.example/cb'] },
        { clientID: '<b>"evil"</b>', clientSecret: 's', name: '<script>alert(1)</script>' },
      ],
      accounts: [
        {
          domain: 'demo',
          users: [{ email: 'x@example.com', name: 'Ann <i>O\'Hara</i> & "Co"', apiKey: 'k' }],
        },
      ],
    }).listen();
  });
  after(() => emu.close());

  it('shows the app, the account, the user, the scope and Approve / Deny in a POST form', async () => {
    const response = await fetch(authorizeURL(emu, { scope: 'contacts users' }));
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/html/);
    expect(response.headers.get('content-security-policy')).to.contain("default-src 'none'");
    const html = await response.text();
    expect(html).to.contain('Demo application').and.contain('demo-client');
    expect(html).to.contain('<dd>demo</dd>');
    expect(html).to.contain('x@example.com');
    expect(html).to.contain('<li>contacts</li>').and.contain('<li>users</li>');
    expect(html).to.match(/<form method="post" action="\/demo\/oauth\/authorize">/);
    expect(html).to.match(/<button[^>]*name="decision" value="approve"[^>]*>Approve<\/button>/);
    expect(html).to.match(/<button[^>]*name="decision" value="deny"[^>]*>Deny<\/button>/);
    // Self-contained: nothing loaded from another origin, no scripts.
    expect(html).not.to.match(/<script|<link|src="https?:|href=|url\(/i);
    expect(html).to.contain('http://127.0.0.1:3000'); // where the decision goes back to
  });

  it('never puts the PKCE challenge or the state on the page, only an opaque request id', async () => {
    const { challenge } = pkcePair();
    const html = await (
      await fetch(
        authorizeURL(emu, {
          code_challenge: challenge,
          code_challenge_method: 'S256',
          state: 'st4te-v4lue',
        }),
      )
    ).text();
    expect(html).not.to.contain(challenge);
    expect(html).not.to.contain('st4te-v4lue');
    expect(requestID(html)).to.match(/^[A-Za-z0-9_-]{32}$/);
  });

  it('escapes every value it shows', async () => {
    const url = new URL(`${emu.url}/demo/oauth/authorize`);
    url.searchParams.set('client_id', '<b>"evil"</b>');
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', CALLBACK);
    url.searchParams.set('scope', '<img src=x onerror=alert(1)> "q"');
    const html = await (await fetch(url)).text();
    expect(html).not.to.contain('<script>alert(1)');
    expect(html).not.to.contain('<img src=x');
    expect(html).not.to.contain('<b>"evil"');
    expect(html).not.to.contain('<i>O');
    expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.contain('&lt;b&gt;&quot;evil&quot;&lt;/b&gt;');
    expect(html).to.contain('&lt;img');
    expect(html).to.contain('Ann &lt;i&gt;O&#39;Hara&lt;/i&gt; &amp; &quot;Co&quot;');
  });

  it('Approve redirects (302) to redirect_uri with code and state', async () => {
    const html = await (await fetch(authorizeURL(emu, { state: 'abc' }))).text();
    const response = await postForm(`${emu.url}/demo/oauth/authorize`, {
      request_id: requestID(html),
      decision: 'approve',
    });
    expect(response.status).to.equal(302);
    const location = new URL(response.headers.get('location') as string);
    expect(location.origin + location.pathname).to.equal(CALLBACK);
    expect(location.searchParams.get('state')).to.equal('abc');
    expect(location.searchParams.get('code')).to.match(/^[A-Za-z0-9_-]{43}$/);
  });

  it('Deny redirects with error=access_denied and state, and no code', async () => {
    const html = await (await fetch(authorizeURL(emu, { state: 'abc' }))).text();
    const response = await postForm(`${emu.url}/demo/oauth/authorize`, {
      request_id: requestID(html),
      decision: 'deny',
    });
    expect(response.status).to.equal(302);
    const location = new URL(response.headers.get('location') as string);
    expect(location.searchParams.get('error')).to.equal('access_denied');
    expect(location.searchParams.get('state')).to.equal('abc');
    expect(location.searchParams.has('code')).to.equal(false);
  });

  it('accepts each consent only once and refuses unknown request ids', async () => {
    const html = await (await fetch(authorizeURL(emu))).text();
    const id = requestID(html);
    const first = await postForm(`${emu.url}/demo/oauth/authorize`, {
      request_id: id,
      decision: 'approve',
    });
    expect(first.status).to.equal(302);
    const again = await postForm(`${emu.url}/demo/oauth/authorize`, {
      request_id: id,
      decision: 'approve',
    });
    expect(again.status).to.equal(400);
    expect(again.headers.get('location')).to.equal(null);
    const forged = await postForm(`${emu.url}/demo/oauth/authorize`, {
      request_id: 'forged',
      decision: 'approve',
    });
    expect(forged.status).to.equal(400);
  });

  it('refuses a consent posted to another account', async () => {
    const other = await createEmulator().listen();
    try {
      const html = await (await fetch(authorizeURL(other, {}, 'demo'))).text();
      const response = await postForm(`${other.url}/acme/oauth/authorize`, {
        request_id: requestID(html),
        decision: 'approve',
      });
      expect(response.status).to.equal(400);
      expect(response.headers.get('location')).to.equal(null);
    } finally {
      await other.close();
    }
  });

  describe('checks the request before redirecting anywhere (400 page, never a redirect)', () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        'an off-loopback redirect_uri for the default client',
        { redirect_uri: 'https://evil.example/cb' },
        /127\.0\.0\.1 or localhost/,
      ],
      [
        'a look-alike host',
        { redirect_uri: 'http://127.0.0.1.evil.example/cb' },
        /127\.0\.0\.1 or localhost/,
      ],
      [
        'credentials in the redirect_uri',
        { redirect_uri: 'http://evil.example@127.0.0.1:3000/cb' },
        /credentials/,
      ],
      ['a javascript: redirect_uri', { redirect_uri: 'javascript:alert(1)' }, /http or https/],
      ['a fragment', { redirect_uri: `${CALLBACK}#x` }, /fragment/],
      ['a relative redirect_uri', { redirect_uri: '/cb' }, /absolute/],
      ['an unknown client', { client_id: 'nobody' }, /No application/],
      ['a missing client', { client_id: '' }, /client_id/],
      ['a wrong response_type', { response_type: 'token' }, /response_type/],
      [
        'an unknown PKCE method',
        { code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' },
        /code_challenge_method/,
      ],
      [
        'a malformed PKCE challenge',
        { code_challenge: 'short', code_challenge_method: 'S256' },
        /code_challenge/,
      ],
      ['an unknown login_hint', { login_hint: 'nobody@example.com' }, /login_hint/],
    ];
    for (const [what, params, reason] of cases) {
      it(`refuses ${what}`, async () => {
        const response = await fetch(authorizeURL(emu, params), { redirect: 'manual' });
        expect(response.status).to.equal(400);
        expect(response.headers.get('location')).to.equal(null);
        expect(response.headers.get('content-type')).to.match(/^text\/html/);
        expect(await response.text()).to.match(reason);
        expect(() => emu.approve(authorizeURL(emu, params))).to.throw(reason);
      });
    }

    it('refuses a parameter given twice', async () => {
      const url = `${authorizeURL(emu)}&redirect_uri=${encodeURIComponent('https://evil.example/')}`;
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).to.equal(400);
      expect(await response.text()).to.contain('more than once');
    });

    it('needs an exact match for a client with registered redirect URIs', async () => {
      const good = authorizeURL(emu, {
        client_id: 'registered',
        redirect_uri: 'https://app.example/cb',
      });
      expect((await fetch(good)).status).to.equal(200);
      for (const near of [
        'https://app.example/cb/',
        'https://app.example/cb?x=1',
        'http://app.example/cb',
        CALLBACK,
      ]) {
        const response = await fetch(
          authorizeURL(emu, { client_id: 'registered', redirect_uri: near }),
        );
        expect(response.status, near).to.equal(400);
      }
    });

    it('uses the one registered redirect URI when redirect_uri is omitted', () => {
      const url = new URL(authorizeURL(emu, { client_id: 'registered' }));
      url.searchParams.delete('redirect_uri');
      expect(emu.approve(url.href)).to.match(/^https:\/\/app\.example\/cb\?code=/);
    });
  });

  it('answers 404 JSON for an unknown or invalid account', async () => {
    for (const path of ['/nosuch/oauth/authorize', '/bad..name/oauth/authorize', '/']) {
      const response = await fetch(`${emu.url}${path}`);
      expect(response.status, path).to.equal(404);
      expect(response.headers.get('content-type')).to.match(/^application\/json/);
      expect(await response.json()).to.have.property('status', '404');
    }
  });
});
