/**
 * With a relative callbackURL the redirect_uri is built from the request's Host (and, with
 * `proxy: true`, X-Forwarded-Host and X-Forwarded-Proto). Only `host[:port]` may become one:
 * anything else fails with 400 before the redirect to Agile CRM, and at the callback before the
 * code is exchanged.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import nock from 'nock';
import supertest from 'supertest';
import { rawRequest } from '../support/raw-http';
import { useNock } from '../support/nock';
import { ACME, agentFor, loginApp, makeStrategy, startLogin } from './support/strategy';

const MALFORMED_HOSTS = [
  '127.0.0.1:1@evil.example',
  'user:pass@app.test',
  '',
  'a b',
  'app.test/evil',
  'app.test\\evil',
  'app.test?x=1',
  'app.test#x',
  'app.test:',
  'app.test:0',
  'app.test:65536',
  'app.test:99999',
  'app.test:80x',
  'app.test:-1',
  'app.test:80:81',
  'app..test',
  '.app.test',
  '-app.test',
  'app-.test',
  'app%2etest',
  'app.test,evil.example',
  '999.1.1.1',
  '1.2.3.4.5',
  '0x7f.1',
  '[::1',
  '::1',
  '[::1]x',
  '[evil.example]',
  '[fe80::1%25eth0]',
  'app.tést',
  `${'a'.repeat(64)}.test`,
  `${'abcdefghi.'.repeat(26)}test`,
];

const WELL_FORMED_HOSTS = [
  'app.test',
  'App.Example',
  'app.test:3000',
  'app.test:1',
  'app.test:65535',
  'localhost:8080',
  '127.0.0.1',
  '127.0.0.1:3000',
  '[::1]',
  '[::1]:3000',
  '[2001:db8::7]:443',
  'my_app.internal',
  'a-b.c-d.example',
  `${'a'.repeat(63)}.test`,
];

describe('Host headers and the redirect_uri', () => {
  useNock();

  for (const host of MALFORMED_HOSTS) {
    it(`refuses Host ${JSON.stringify(host)} with 400, before a redirect`, async () => {
      const res = await supertest(loginApp(makeStrategy())).get('/login').set('Host', host);
      expect(res.status).to.equal(400);
      expect(res.body.info.message).to.match(/invalid Host header/);
      expect(res.headers['location']).to.equal(undefined);
    });
  }

  for (const host of WELL_FORMED_HOSTS) {
    it(`accepts Host ${JSON.stringify(host)} as the redirect_uri's host`, async () => {
      const res = await supertest(loginApp(makeStrategy()))
        .get('/login')
        .set('Host', host)
        .expect(302);
      const location = new URL(res.headers['location'] as string);
      expect(location.searchParams.get('redirect_uri')).to.equal(
        `http://${host.toLowerCase()}/callback`,
      );
    });
  }

  it('refuses a malformed Host at the callback before any token request', async () => {
    const token = nock(ACME).post('/oauth/token').reply(200, { access_token: 'never' });
    const agent = agentFor(loginApp(makeStrategy()));
    const { state } = await startLogin(agent);
    const res = await agent
      .get(`/callback?code=c&state=${state}`)
      .set('Host', '127.0.0.1:1@evil.example');
    expect(res.status).to.equal(400);
    expect(res.body.info.message).to.match(/invalid Host header/);
    expect(token.isDone()).to.equal(false);
  });

  it('builds the redirect_uri from the origin only, whatever the request line holds', async () => {
    // An absolute-form request line (`GET http://evil.example/login`) reaches the route too.
    const server = loginApp(makeStrategy({ callbackURL: 'callback' })).listen(0, '127.0.0.1');
    try {
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const res = await rawRequest(port, 'http://evil.example/login', [['Host', 'app.test']]);
      expect(res.status).to.equal(302);
      const redirectURI = new URL(res.headers['location']!).searchParams.get('redirect_uri');
      expect(redirectURI).to.equal('http://app.test/callback');
    } finally {
      server.close();
    }
  });

  describe('behind a proxy (proxy: true)', () => {
    for (const [what, headers] of [
      ['X-Forwarded-Host with userinfo', { 'x-forwarded-host': '127.0.0.1:1@evil.example' }],
      ['X-Forwarded-Host with a path', { 'x-forwarded-host': 'public.example/evil' }],
      ['X-Forwarded-Host with a space', { 'x-forwarded-host': 'a b' }],
      ['X-Forwarded-Host with a bad port', { 'x-forwarded-host': 'public.example:0' }],
      ['X-Forwarded-Proto javascript', { 'x-forwarded-proto': 'javascript' }],
      ['X-Forwarded-Proto with a path', { 'x-forwarded-proto': 'https://evil.example/' }],
      ['X-Forwarded-Proto ftp', { 'x-forwarded-proto': 'ftp' }],
    ] as const) {
      it(`refuses ${what} with 400`, async () => {
        const res = await supertest(loginApp(makeStrategy({ proxy: true })))
          .get('/login')
          .set('Host', 'app.test')
          .set(headers);
        expect(res.status).to.equal(400);
        expect(res.headers['location']).to.equal(undefined);
      });
    }

    it('uses the first of several X-Forwarded-Host and -Proto values, as Express does', async () => {
      const res = await supertest(loginApp(makeStrategy({ proxy: true })))
        .get('/login')
        .set('Host', 'internal:8080')
        .set('X-Forwarded-Host', 'Public.Example, internal:8080')
        .set('X-Forwarded-Proto', 'HTTPS, http')
        .expect(302);
      const location = new URL(res.headers['location'] as string);
      expect(location.searchParams.get('redirect_uri')).to.equal('https://public.example/callback');
    });

    it('ignores the X-Forwarded-* headers without proxy: true, however malformed', async () => {
      const res = await supertest(loginApp(makeStrategy()))
        .get('/login')
        .set('Host', 'app.test')
        .set('X-Forwarded-Host', '127.0.0.1:1@evil.example')
        .set('X-Forwarded-Proto', 'javascript')
        .expect(302);
      const location = new URL(res.headers['location'] as string);
      expect(location.searchParams.get('redirect_uri')).to.equal('http://app.test/callback');
    });
  });
});
