/**
 * Property-based fuzzing of the headers a relative callbackURL is resolved against: Host, and
 * X-Forwarded-Host and X-Forwarded-Proto behind a proxy, sent byte for byte over a raw socket to
 * an Express app with the strategy (`proxy: true` and `proxy: false`), at the start of a login
 * and at its callback.
 *
 * Hosts are generated in three classes: well-formed (DNS names, IPv4, bracketed IPv6, ports 1 to
 * 65535), well-formed then broken (userinfo, a path, query or fragment mark, a space or tab, a
 * backslash, a percent escape, non-ASCII, an empty or out-of-range port, an unbalanced bracket,
 * an empty, over-long or numeric last label...), and arbitrary printable text.
 *
 * Checked on every request: a well-formed host is redirected with exactly
 * `{scheme}://{host}/callback` as redirect_uri; a broken one is refused with 400 before any
 * redirect (by the strategy, or by Node's parser before the app runs); an arbitrary one is one
 * or the other, and any redirect_uri names exactly the host that was sent. At the callback (with
 * a forged state, so no code is ever exchanged) the host is checked first: 400, else 403.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import nock from 'nock';
import { rawRequest, type RawResponse } from '../support/raw-http';
import { ACME, loginApp, makeStrategy } from './support/strategy';

const NUM_RUNS = 3000;
const TIME_BUDGET_MS = 60_000;

type Kind = 'well-formed' | 'broken' | 'arbitrary';

const label = fc.stringMatching(/^[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,10}[a-zA-Z0-9_])?$/);
const dnsName = fc
  .tuple(fc.array(label, { maxLength: 3 }), fc.stringMatching(/^[a-z][a-z0-9-]{0,5}[a-z]$/))
  .map(([labels, top]) => [...labels, top].join('.'));
const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6().map((address) => `[${address}]`);
const port = fc.integer({ min: 1, max: 65535 }).map(String);
const wellFormed = fc
  .tuple(fc.oneof(dnsName, ipv4, ipv6), fc.option(port, { nil: undefined }))
  .map(([host, p]) => (p === undefined ? host : `${host}:${p}`));

/** Characters that can never be part of `host[:port]`; inserted inside a host, they break it. */
const BREAKING = [...'@/\\?#% \t"<>{}|^`\'*()!$&+=;[]~', '\u00e9', '\u00a0', '\u00ff'];

const broken = fc.oneof(
  fc
    .tuple(wellFormed, fc.constantFrom(...BREAKING), fc.nat())
    // Inside, not at either end: Node trims spaces and tabs around header values.
    .filter(([host]) => host.length >= 2)
    .map(([host, c, i]) => {
      const at = 1 + (i % (host.length - 1));
      return host.slice(0, at) + c + host.slice(at);
    }),
  wellFormed.map((host) => `user:pass@${host}`),
  fc.tuple(dnsName, fc.integer({ min: 65536, max: 999_999 })).map(([h, p]) => `${h}:${p}`),
  fc
    .tuple(dnsName, fc.constantFrom('0', '00', '', '-1', '80x', '8080:81'))
    .map(([h, p]) => `${h}:${p}`),
  fc.tuple(dnsName, fc.constantFrom('.', '-')).map(([h, c]) => `${c}${h}`),
  dnsName.map((h) => h.replace('.', '..')).filter((h) => h.includes('..')),
  fc.tuple(dnsName, fc.integer({ min: 0, max: 99_999 })).map(([h, n]) => `${h}.${n}`),
  fc.tuple(label, fc.constantFrom('0x7f', '0X1')).map(([h, n]) => `${h}.${n}`),
  fc.stringMatching(/^[a-z]{64,70}$/).map((l) => `${l}.test`),
  fc.ipV6().map((address) => address),
  fc.ipV6().map((address) => `[${address}`),
  fc.ipV4().map((address) => `[${address}]`),
  fc.constant(''),
);

const arbitrary = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 30,
});

const headerValue: fc.Arbitrary<{ kind: Kind; value: string }> = fc.oneof(
  { weight: 3, arbitrary: wellFormed.map((value) => ({ kind: 'well-formed' as const, value })) },
  { weight: 3, arbitrary: broken.map((value) => ({ kind: 'broken' as const, value })) },
  { weight: 2, arbitrary: arbitrary.map((value) => ({ kind: 'arbitrary' as const, value })) },
);
const forwardedProto: fc.Arbitrary<{ kind: Kind; value: string }> = fc.oneof(
  fc
    .constantFrom('http', 'https', 'HTTPS', 'https, http', 'Http')
    .map((value) => ({ kind: 'well-formed' as const, value })),
  fc
    .constantFrom('javascript', 'ftp', 'https://evil.example', 'http:', 'ht tp', 'wss')
    .map((value) => ({ kind: 'broken' as const, value })),
  arbitrary.map((value) => ({ kind: 'arbitrary' as const, value })),
);

const request = fc.record({
  proxy: fc.boolean(),
  at: fc.constantFrom('login', 'callback'),
  host: headerValue,
  forwardedHost: fc.option(headerValue, { nil: undefined }),
  forwardedProto: fc.option(forwardedProto, { nil: undefined }),
});
type Generated = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** The header value Node hands the app: surrounding spaces and tabs are not part of it. */
function asReceived(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** The first of a forwarded header's values, as Express reads it; `''` when there is none. */
function firstOf(value: string | undefined): string {
  return value === undefined ? '' : (asReceived(value).split(',')[0] ?? '').trim();
}

describe('fuzzed Host and X-Forwarded-* headers (property-based)', function () {
  this.timeout(TIME_BUDGET_MS + 30_000);

  const servers: Record<'proxy' | 'direct', { server: Server; port: number }> = {} as never;
  let tokenRequests = 0;
  const figures = {
    runs: 0,
    redirected: 0,
    refusedByStrategy: 0,
    refusedByNode: 0,
    stateChecked: 0,
    kinds: {} as Record<string, number>,
  };

  before(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    nock(ACME)
      .persist()
      .post('/oauth/token')
      .reply(() => {
        tokenRequests += 1;
        return [200, { access_token: 'never-used' }];
      });
    for (const [key, proxy] of [
      ['proxy', true],
      ['direct', false],
    ] as const) {
      const server = loginApp(makeStrategy({ proxy })).listen(0, '127.0.0.1');
      await once(server, 'listening');
      servers[key] = { server, port: (server.address() as AddressInfo).port };
    }
  });

  after(() => {
    for (const { server } of Object.values(servers)) server.close();
    nock.cleanAll();
    nock.enableNetConnect();
    console.log(`      figures: ${JSON.stringify(figures)}`);
  });

  it('redirects exactly the well-formed hosts, to that host, and refuses the rest with 400', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        figures.runs += 1;
        const { port } = r.proxy ? servers.proxy : servers.direct;
        const headers: [string, string][] = [['Host', r.host.value]];
        if (r.forwardedHost) headers.push(['X-Forwarded-Host', r.forwardedHost.value]);
        if (r.forwardedProto) headers.push(['X-Forwarded-Proto', r.forwardedProto.value]);
        const target = r.at === 'login' ? '/login' : '/callback?code=c&state=forged-state';
        const res = await rawRequest(port, target, headers);
        check(r, res);
      }),
      { numRuns: NUM_RUNS, plugins: [fc.interruptAfterTimeLimit(TIME_BUDGET_MS)] },
    );
    expect(tokenRequests, 'a forged state reached the token endpoint').to.equal(0);
    expect(figures.runs).to.be.greaterThan(Math.min(NUM_RUNS, 500));
    expect(figures.redirected).to.be.greaterThan(0);
    expect(figures.refusedByStrategy).to.be.greaterThan(0);
  });

  function check(r: Generated, res: RawResponse): void {
    // What the strategy resolves against: the trusted forwarded values, else Host.
    const forwardedHost = r.proxy ? firstOf(r.forwardedHost?.value) : '';
    const forwardedProto = r.proxy ? firstOf(r.forwardedProto?.value) : '';
    const hostUsed = forwardedHost !== '' ? r.forwardedHost! : r.host;
    const protoUsed = forwardedProto !== '' ? r.forwardedProto! : undefined;
    const kinds = [hostUsed.kind, protoUsed?.kind ?? 'well-formed'];
    const kind: Kind = kinds.includes('broken')
      ? 'broken'
      : kinds.includes('arbitrary')
        ? 'arbitrary'
        : 'well-formed';
    figures.kinds[kind] = (figures.kinds[kind] ?? 0) + 1;
    const host = forwardedHost !== '' ? forwardedHost : asReceived(r.host.value);
    const scheme = forwardedProto.toLowerCase() === 'https' ? 'https' : 'http';
    const context = `${JSON.stringify(r)} → ${res.status} ${res.headers['location'] ?? ''}`;

    // Node's parser answers some malformed heads itself (400) before the app runs.
    const byNode = res.headers['content-type'] === undefined && res.status === 400;
    if (res.status === 400) {
      expect(res.headers['location'], context).to.equal(undefined);
      if (byNode) figures.refusedByNode += 1;
      else figures.refusedByStrategy += 1;
      expect(kind, `a well-formed request was refused: ${context}`).not.to.equal('well-formed');
      return;
    }
    expect(kind, `a broken header was accepted: ${context}`).not.to.equal('broken');
    if (r.at === 'callback') {
      // The host passed; the forged state is what fails the callback.
      expect(res.status, context).to.equal(403);
      figures.stateChecked += 1;
      return;
    }
    expect(res.status, context).to.equal(302);
    figures.redirected += 1;
    const redirectURI = new URL(res.headers['location']!).searchParams.get('redirect_uri')!;
    expect(redirectURI, context).to.equal(`${scheme}://${host.toLowerCase()}/callback`);
    const parsed = new URL(redirectURI);
    expect(parsed.username + parsed.password, context).to.equal('');
    expect(parsed.pathname, context).to.equal('/callback');
  }
});
