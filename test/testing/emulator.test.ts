import { expect } from 'chai';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { generate } from 'selfsigned';
import { parseJSONExact } from '../../lib/http/json';
import { createEmulator, type RunningEmulator } from '../../lib/testing/index';
import { withClockAhead } from '../support/clock';
import {
  authorizeURL,
  basic,
  CALLBACK,
  DEMO_BASIC,
  login,
  postCredentials,
  postForm,
  rawRequest,
} from './support/emulator';

const JSON_ACCEPT = { accept: 'application/json' };

async function userOf(
  emu: RunningEmulator,
  domain: string,
  authorization: string,
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${emu.url}/${domain}/dev/api/users/current-user`, {
    headers: { authorization, ...JSON_ACCEPT },
  });
  return { status: response.status, body: await response.text() };
}

describe('emulator lifecycle, seed and test controls', () => {
  describe('with the default seed', () => {
    let emu: RunningEmulator;
    before(async () => {
      emu = await createEmulator().listen();
    });
    after(() => emu.close());

    it('exposes its URLs and the default client', () => {
      expect(emu.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emu.baseURL).to.equal(`${emu.url}/{domain}`);
      expect(emu.revokeURL).to.equal(`${emu.url}/{domain}/oauth/revoke`);
      expect(emu.clientID).to.equal('demo-client');
      expect(emu.clientSecret).to.equal('demo-client-secret');
    });

    it('seeds demo and acme deterministically', async () => {
      const [demo, acme] = emu.accounts;
      expect(demo!.domain).to.equal('demo');
      expect(demo!.users[0]).to.include({
        id: '6263975862861824123',
        email: 'demo@example.com',
        name: 'Dana Demo',
        apiKey: 'demo-api-key',
        pic: `${emu.url}/demo/avatars/6263975862861824123.svg`,
      });
      expect(demo!.contacts).to.have.length(36);
      expect(acme!.domain).to.equal('acme');
      expect(acme!.users[0]).to.include({ email: 'owner@acme.example', apiKey: 'acme-api-key' });
      expect(acme!.contacts).to.have.length(12);
      const twin = await createEmulator().listen();
      try {
        expect(twin.accounts.map((a) => a.contacts)).to.deep.equal(
          emu.accounts.map((a) => a.contacts),
        );
        expect(twin.accounts[1]!.users[0]!.id).to.equal(acme!.users[0]!.id);
      } finally {
        await twin.close();
      }
    });

    it('hands out copies of its accounts', () => {
      const copy = emu.accounts;
      copy[0]!.users[0]!.apiKey = 'changed';
      copy[0]!.contacts.length = 0;
      expect(emu.accounts[0]!.users[0]!.apiKey).to.equal('demo-api-key');
      expect(emu.accounts[0]!.contacts).to.have.length(36);
    });

    it('serves several accounts at once, each with its own users and tokens', async () => {
      const demoTokens = await login(emu, 'demo');
      const acmeTokens = await login(emu, 'acme');
      const demoUser = parseJSONExact(
        (await userOf(emu, 'demo', `Bearer ${demoTokens.access_token}`)).body,
      );
      const acmeUser = parseJSONExact(
        (await userOf(emu, 'acme', `Bearer ${acmeTokens.access_token}`)).body,
      );
      expect(demoUser).to.include({ email: 'demo@example.com', domain: 'demo' });
      expect(acmeUser).to.include({ email: 'owner@acme.example', domain: 'acme' });
      expect((await userOf(emu, 'acme', `Bearer ${demoTokens.access_token}`)).status).to.equal(401);
      expect((await userOf(emu, 'acme', DEMO_BASIC)).status).to.equal(401);
      expect(
        (await userOf(emu, 'acme', basic('owner@acme.example', 'acme-api-key', false))).status,
      ).to.equal(200);
    });

    it('approve() returns the redirect with code and state; deny with access_denied', async () => {
      const approved = new URL(emu.approve(authorizeURL(emu, { state: 's1' })));
      expect(approved.origin + approved.pathname).to.equal(CALLBACK);
      expect(approved.searchParams.get('state')).to.equal('s1');
      const code = approved.searchParams.get('code') as string;
      const response = await postForm(`${emu.url}/demo/oauth/token`, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        ...postCredentials(emu),
      });
      expect(response.status).to.equal(200);
      const denied = new URL(emu.approve(authorizeURL(emu, { state: 's2' }), { deny: true }));
      expect(denied.searchParams.get('error')).to.equal('access_denied');
      expect(denied.searchParams.get('state')).to.equal('s2');
      expect(denied.searchParams.has('code')).to.equal(false);
    });

    it('approve() refuses URLs of another server or account', () => {
      expect(() => emu.approve(authorizeURL(emu).replace(emu.url, 'http://127.0.0.1:1'))).to.throw(
        /this emulator/,
      );
      expect(() => emu.approve(authorizeURL(emu, {}, 'nosuch'))).to.throw(/known account/);
      expect(() => emu.approve(`${emu.url}/demo/dev/api/contacts`)).to.throw(/oauth\/authorize/);
    });

    it('expireAccessTokens() ends every access token issued so far; refresh still works', async () => {
      const tokens = await login(emu);
      expect((await userOf(emu, 'demo', `Bearer ${tokens.access_token}`)).status).to.equal(200);
      emu.expireAccessTokens();
      const expired = await userOf(emu, 'demo', `Bearer ${tokens.access_token}`);
      expect(expired.status).to.equal(401);
      expect(expired.body).to.equal('{"status":"401","exception message":"authentication issue"}');
      const refreshed = await postForm(`${emu.url}/demo/oauth/token`, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        ...postCredentials(emu),
      });
      const next = (await refreshed.json()) as { access_token: string };
      expect((await userOf(emu, 'demo', `Bearer ${next.access_token}`)).status).to.equal(200);
    });

    it('counts requests per route in stats (a snapshot)', async () => {
      const before = emu.stats;
      await fetch(authorizeURL(emu)).then((r) => r.text());
      const tokens = await login(emu); // one approve() and one code exchange
      await postForm(`${emu.url}/demo/oauth/token`, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        ...postCredentials(emu),
      });
      await postForm(`${emu.url}/demo/oauth/revoke`, {
        token: tokens.access_token,
        ...postCredentials(emu),
      });
      await userOf(emu, 'demo', DEMO_BASIC);
      await fetch(`${emu.url}/demo/dev/api/contacts`, {
        headers: { authorization: DEMO_BASIC },
      }).then((r) => r.text());
      expect(emu.stats).to.deep.equal({
        authorize: before.authorize + 2,
        token: before.token + 1,
        refresh: before.refresh + 1,
        revoke: before.revoke + 1,
        currentUser: before.currentUser + 1,
        contacts: before.contacts + 1,
      });
    });
  });

  describe('options', () => {
    it('accessTokenTTL accepts fractions of seconds', async () => {
      const emu = await createEmulator({ accessTokenTTL: 1.5 }).listen();
      try {
        const tokens = await login(emu);
        expect(tokens.expires_in).to.equal(2);
        expect((await userOf(emu, 'demo', `Bearer ${tokens.access_token}`)).status).to.equal(200);
        const later = await withClockAhead(1_600, () =>
          userOf(emu, 'demo', `Bearer ${tokens.access_token}`),
        );
        expect(later.status).to.equal(401);
      } finally {
        await emu.close();
      }
    });

    it('takes custom accounts, users and contacts', async () => {
      const emu = await createEmulator({
        accounts: [
          {
            domain: 'tiny',
            users: [
              {
                id: '9223372036854775807',
                email: 'me@tiny.example',
                name: 'Max Long',
                apiKey: 'k',
              },
            ],
            contacts: [{ id: '9007199254740993', tags: ['x'] }],
          },
        ],
      }).listen();
      try {
        const me = await userOf(emu, 'tiny', basic('me@tiny.example', 'k', false));
        expect(me.body).to.match(/^\{"id":9223372036854775807,/);
        const contacts = await fetch(`${emu.url}/tiny/dev/api/contacts`, {
          headers: { authorization: basic('me@tiny.example', 'k', false), ...JSON_ACCEPT },
        });
        const raw = await contacts.text();
        expect(raw).to.match(/^\[\{"id":9007199254740993,/);
        expect((await fetch(`${emu.url}/demo/dev/api/contacts`)).status).to.equal(404);
      } finally {
        await emu.close();
      }
    });

    it('refuses bad options with a TypeError', () => {
      expect(() => createEmulator({ accessTokenTTL: 0 })).to.throw(TypeError, /accessTokenTTL/);
      expect(() => createEmulator({ codeTTL: Number.NaN })).to.throw(TypeError, /codeTTL/);
      expect(() => createEmulator({ keepAliveTimeout: -1 })).to.throw(
        TypeError,
        /keepAliveTimeout/,
      );
      expect(() => createEmulator({ accounts: [] })).to.throw(TypeError, /accounts/);
      expect(() => createEmulator({ accounts: [{ domain: 'a.b' }] })).to.throw(
        TypeError,
        /DNS label/,
      );
      expect(() => createEmulator({ accounts: [{ domain: 'x' }, { domain: 'x' }] })).to.throw(
        TypeError,
        /twice/,
      );
      expect(() =>
        createEmulator({
          accounts: [{ domain: 'x', users: [{ id: '12a', email: 'e', name: 'n', apiKey: 'k' }] }],
        }),
      ).to.throw(TypeError, /digits/);
      expect(() => createEmulator({ clients: [{ clientID: 'c', clientSecret: '' }] })).to.throw(
        TypeError,
        /clientSecret/,
      );
      expect(() =>
        createEmulator({ clients: [{ clientID: 'c', clientSecret: 's', redirectURIs: ['/cb'] }] }),
      ).to.throw(TypeError, /redirect URI/);
    });

    it('listens only once', async () => {
      const emulator = createEmulator();
      const emu = await emulator.listen();
      try {
        let error: unknown;
        await emulator.listen().catch((err: unknown) => (error = err));
        expect(error).to.be.instanceOf(Error);
      } finally {
        await emu.close();
      }
    });

    it('closes idle kept-alive connections after keepAliveTimeout seconds', async () => {
      /**
       * Milliseconds until `emu` closes a connection left idle after one request (a raw socket,
       * so no client-side keep-alive policy takes part), or Infinity when it stays open 2.5 s.
       */
      function idleLifetime(emu: RunningEmulator): Promise<number> {
        const { hostname, port } = new URL(emu.url);
        return new Promise((resolve, reject) => {
          const socket = net.connect(Number(port), hostname);
          let idleFrom = 0;
          const timer = setTimeout(() => {
            socket.destroy();
            resolve(Number.POSITIVE_INFINITY);
          }, 2500);
          socket.on('error', reject);
          socket.on('data', (chunk: Buffer) => {
            // The whole small 404 answer arrives at once; the connection is idle from here.
            if (idleFrom === 0 && chunk.includes('\r\n\r\n')) idleFrom = Date.now();
          });
          socket.on('close', () => {
            clearTimeout(timer);
            resolve(Date.now() - idleFrom);
          });
          socket.write('GET /nowhere HTTP/1.1\r\nHost: emulator\r\nConnection: keep-alive\r\n\r\n');
        });
      }
      const short = await createEmulator({ keepAliveTimeout: 0.2 }).listen();
      const usual = await createEmulator().listen();
      try {
        const [shortLife, usualLife] = await Promise.all([
          idleLifetime(short),
          idleLifetime(usual),
        ]);
        // Node's server waits up to a second longer than keepAliveTimeout before closing.
        expect(shortLife).to.be.within(150, 2000);
        expect(usualLife, 'the default keeps connections for 5 s').to.equal(
          Number.POSITIVE_INFINITY,
        );
      } finally {
        await Promise.all([short.close(), usual.close()]);
      }
    });

    it('serves HTTPS with the tls option', async () => {
      const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
        keySize: 2048,
        algorithm: 'sha256',
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
      });
      const emu = await createEmulator({ tls: { key: pems.private, cert: pems.cert } }).listen();
      try {
        expect(emu.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
        const body = await new Promise<string>((resolve, reject) => {
          https
            .get(
              `${emu.url}/demo/dev/api/users/current-user`,
              { ca: pems.cert, headers: { authorization: DEMO_BASIC, ...JSON_ACCEPT } },
              (res) => {
                let text = '';
                res.setEncoding('utf8');
                res.on('data', (chunk: string) => (text += chunk));
                res.on('end', () => resolve(text));
              },
            )
            .on('error', reject);
        });
        expect(body).to.match(/^\{"id":6263975862861824123,/);
        expect(new URL(emu.approve(authorizeURL(emu))).searchParams.get('code')).to.be.a('string');
      } finally {
        await emu.close();
      }
    });
  });

  describe('close()', () => {
    it('ends hanging requests and kept-alive connections, and resolves', async () => {
      const emu = await createEmulator().listen();
      const agent = new http.Agent({ keepAlive: true });
      // A kept-alive connection left idle after a complete answer.
      await new Promise<void>((resolve, reject) => {
        http
          .get(`${emu.url}/demo/avatars/6263975862861824123.svg`, { agent }, (res) => {
            res.resume();
            res.on('end', resolve);
          })
          .on('error', reject);
      });
      emu.fault('current-user', 'hang');
      const hanging = rawRequest(`${emu.url}/demo/dev/api/users/current-user`, {
        headers: { authorization: DEMO_BASIC },
      });
      // Wait until the hanging request has reached the emulator.
      while (emu.stats.currentUser === 0) await new Promise((resolve) => setImmediate(resolve));
      await emu.close();
      const result = await hanging;
      expect(result.status).to.equal(undefined);
      expect(result.error?.code).to.be.oneOf(['ECONNRESET', 'ECONNREFUSED']);
      expect(result.error?.code).not.to.equal('TIMEOUT');
      const after = await rawRequest(`${emu.url}/demo/dev/api/users/current-user`);
      expect(after.error?.code).to.equal('ECONNREFUSED');
      await emu.close(); // a second call resolves too
      agent.destroy();
    });
  });
});
