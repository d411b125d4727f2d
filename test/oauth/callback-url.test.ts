/**
 * CallbackURL and resolveCallbackURL against passport-oauth2's own resolution (its
 * `utils.originalURL` plus `url.resolve`) over generated requests: the same redirect_uri for
 * every well-formed host, forwarded header, proxy setting, request path and kind of callbackURL,
 * including when one CallbackURL serves a run of different requests (its kept result must never
 * go stale). Where passport-oauth2 would build a URL for another host out of a malformed header,
 * these refuse with a TypeError instead.
 */
import { resolve } from 'node:url';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  CallbackURL,
  resolveCallbackURL,
  type CallbackRequest,
} from '../../lib/oauth/callback-url';

// passport-oauth2 ships no types for its utils module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const utils = require('passport-oauth2/lib/utils') as {
  originalURL(req: unknown, options: { proxy?: boolean }): string;
};

/** What passport-oauth2's authenticate() computes as the redirect_uri. */
function passportOAuth2(
  req: CallbackRequest,
  callbackURL: string,
  proxy: boolean,
): string | undefined {
  if (!callbackURL) return undefined;
  const relative = !/^\s*[a-z0-9.+-]+:/i.test(callbackURL);
  // originalURL reads req.connection, the older name of req.socket.
  const legacy = { ...req, connection: req.socket };
  return relative ? resolve(utils.originalURL(legacy, { proxy }), callbackURL) : callbackURL;
}

/** The result, or the name of the error thrown (a Host that is no host name at all). */
function outcome(resolveIt: () => string | undefined): { url?: string; threw?: string } {
  try {
    return { url: resolveIt() };
  } catch (err) {
    return { threw: (err as Error).name };
  }
}

const hostChars = fc.constantFrom('a', 'B', '1', '.', '-', ':', '8', '@', '[', ']', ' ', '/', '?');
const wellFormedHost = fc.oneof(
  fc.constantFrom('app.test', 'App.Example:8080', '127.0.0.1:3000', '[::1]:3000', 'localhost'),
  fc
    .tuple(
      fc.array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.constantFrom('test', 'Example', 'io'),
      fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    )
    .map(([labels, top, port]) => `${[...labels, top].join('.')}${port ? `:${port}` : ''}`),
);
const anyHost = fc.oneof(
  wellFormedHost,
  fc.string({ unit: hostChars, minLength: 1, maxLength: 12 }),
);
const path = fc.oneof(
  fc.constantFrom('/', '/login', '/auth/agilecrm/callback?code=abc&state=xyz', '/a/b/c/'),
  fc.string({ unit: fc.constantFrom('/', 'a', '.', '?', '#', '%', '=', '&'), maxLength: 12 }),
);
const callbackURL = fc.oneof(
  fc.constantFrom(
    '/callback',
    '/auth/agilecrm/callback?x=1',
    'callback',
    '../callback',
    '//other.example/cb',
    'https://app.example/cb',
    'HTTP://App.Example/cb',
  ),
  fc.string({ unit: fc.constantFrom('/', 'c', 'b', '.', '?', ':', '#'), maxLength: 10 }),
);

/** Requests as they arrive: a Host, a path in origin form, well-formed forwarded headers. */
const wellFormedRequest = requestOf(
  wellFormedHost,
  fc.constantFrom('https', 'HTTPS, http', 'http', 'http, https'),
  path.map((p) => `/${p}`),
  { hostRequired: true },
);

/** Anything: malformed hosts, odd forwarded schemes, paths in no form a request line has. */
const anyRequest = requestOf(
  anyHost,
  fc.constantFrom('https', 'HTTPS, http', 'http', ' https', 'javascript', 'https://x', ''),
  path,
);

function requestOf(
  host: fc.Arbitrary<string>,
  forwardedProto: fc.Arbitrary<string>,
  url: fc.Arbitrary<string>,
  { hostRequired = false } = {},
): fc.Arbitrary<CallbackRequest> {
  return fc
    .record({
      host: hostRequired ? host : fc.option(host, { nil: undefined }),
      forwardedProto: fc.option(forwardedProto, { nil: undefined }),
      forwardedHost: fc.option(host, { nil: undefined }),
      encrypted: fc.boolean(),
      appTrustsProxy: fc.constantFrom(undefined, false, true, 'loopback'),
      url: fc.option(url, { nil: undefined }),
    })
    .map((r) => {
      const headers: Record<string, string> = {};
      if (r.host !== undefined) headers['host'] = r.host;
      if (r.forwardedProto !== undefined) headers['x-forwarded-proto'] = r.forwardedProto;
      if (r.forwardedHost !== undefined) headers['x-forwarded-host'] = r.forwardedHost;
      const req = {
        headers,
        url: r.url,
        socket: (r.encrypted ? { encrypted: true } : {}) as CallbackRequest['socket'],
      } as CallbackRequest;
      if (r.appTrustsProxy !== undefined) {
        const setting = r.appTrustsProxy;
        req.app = { get: (name: string) => (name === 'trust proxy' ? setting : undefined) };
      }
      return req;
    });
}

/** The host the redirect_uri must name: the trusted X-Forwarded-Host, else Host. */
function expectedHost(req: CallbackRequest, proxy: boolean): string | undefined {
  const trusted = proxy || Boolean(req.app?.get?.('trust proxy'));
  const forwarded = String(req.headers['x-forwarded-host'] ?? '')
    .split(',')[0]!
    .trim();
  return (trusted && forwarded) || req.headers.host;
}

describe('callback URL resolution', () => {
  it('gives the redirect_uri passport-oauth2 gives, for any run of well-formed requests', () => {
    fc.assert(
      fc.property(
        callbackURL,
        fc.boolean(),
        fc.array(wellFormedRequest, { minLength: 1, maxLength: 6 }),
        (url, proxy, requests) => {
          const callback = new CallbackURL(url, proxy);
          for (const req of requests) {
            const expected = outcome(() => passportOAuth2(req, url, proxy));
            expect(outcome(() => callback.for(req))).to.deep.equal(expected);
            if (url !== '') {
              expect(outcome(() => resolveCallbackURL(req, url, proxy))).to.deep.equal(expected);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses, rather than resolving against another host, for any run of requests', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('/callback', 'callback', '../cb', '/a/b?x=1'),
        fc.boolean(),
        fc.array(anyRequest, { minLength: 1, maxLength: 6 }),
        (url, proxy, requests) => {
          const callback = new CallbackURL(url, proxy);
          for (const req of requests) {
            const result = outcome(() => callback.for(req));
            expect(outcome(() => resolveCallbackURL(req, url, proxy))).to.deep.equal(result);
            if (result.threw !== undefined) {
              expect(result.threw).to.equal('TypeError');
              continue;
            }
            const host = expectedHost(req, proxy);
            expect(new URL(result.url!).host).to.equal(new URL(`http://${host}`).host);
            expect(
              result.url!.toLowerCase().startsWith(`http://${host!.toLowerCase()}/`) ||
                result.url!.toLowerCase().startsWith(`https://${host!.toLowerCase()}/`),
            ).to.equal(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps up with the origin changing between requests', () => {
    const callback = new CallbackURL('/callback', true);
    const at = (host: string, proto?: string): CallbackRequest =>
      ({
        headers: { host, ...(proto ? { 'x-forwarded-proto': proto } : {}) },
        url: '/login',
        socket: {},
      }) as CallbackRequest;
    expect(callback.for(at('a.test'))).to.equal('http://a.test/callback');
    expect(callback.for(at('b.test'))).to.equal('http://b.test/callback');
    expect(callback.for(at('b.test', 'https'))).to.equal('https://b.test/callback');
    expect(callback.for(at('a.test'))).to.equal('http://a.test/callback');
  });

  it('is undefined without a callbackURL, and an absolute one is used as given', () => {
    const req = { headers: { host: 'a.test' }, url: '/', socket: {} } as CallbackRequest;
    expect(new CallbackURL(undefined, false).for(req)).to.equal(undefined);
    expect(new CallbackURL('', false).for(req)).to.equal(undefined);
    expect(new CallbackURL('https://app.example/cb', false).for(req)).to.equal(
      'https://app.example/cb',
    );
  });
});
