/**
 * CallbackURL and resolveCallbackURL against passport-oauth2's own resolution (its
 * `utils.originalURL` plus `url.resolve`) over generated requests: the same redirect_uri for
 * every host, forwarded header, proxy setting, request path and kind of callbackURL, including
 * when one CallbackURL serves a run of different requests (its kept result must never go stale).
 */
import { resolve } from 'node:url';
import { expect } from 'chai';
import fc from 'fast-check';
import { CallbackURL, resolveCallbackURL, type CallbackRequest } from '../../lib/callback-url';

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
const host = fc.oneof(
  fc.constantFrom('app.test', 'App.Example:8080', '127.0.0.1:3000', '[::1]:3000'),
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

const request: fc.Arbitrary<CallbackRequest> = fc
  .record({
    host: fc.option(host, { nil: undefined }),
    forwardedProto: fc.option(fc.constantFrom('https', 'HTTPS, http', 'http', ' https'), {
      nil: undefined,
    }),
    forwardedHost: fc.option(host, { nil: undefined }),
    encrypted: fc.boolean(),
    appTrustsProxy: fc.constantFrom(undefined, false, true, 'loopback'),
    url: fc.option(path, { nil: undefined }),
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

describe('callback URL resolution', () => {
  it('gives the redirect_uri passport-oauth2 gives, for any run of requests', () => {
    fc.assert(
      fc.property(
        callbackURL,
        fc.boolean(),
        fc.array(request, { minLength: 1, maxLength: 6 }),
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
