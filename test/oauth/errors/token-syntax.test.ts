/**
 * Tokens go into an `Authorization: Bearer` header, so a token endpoint that answers one with
 * control characters, spaces or non-ASCII (`"tok\r\nX-Injected: 1"`) must fail where the token
 * arrives, as a clear error that does not quote it, not later as Node's raw header TypeError.
 */
import { expect } from 'chai';
import { AgileCRMResponseError } from '../../../lib';
import { AgileCRMClient } from '../../../lib/client/client';
import { useNock } from '../../support/nock';
import {
  ACCESS_TOKEN,
  REFRESH_TOKEN,
  callbackDirectly,
  errorOf,
  makeStrategy,
  mockProfile,
  mockToken,
} from '../support/strategy';

/** Tokens outside RFC 6750's visible ASCII, each with a marker that must not be quoted. */
const BAD_TOKENS = [
  'tok\r\nX-Injected: secret-marker',
  'tok\nsecret-marker',
  'tok\tsecret-marker',
  'tok secret-marker',
  'tok\u0000secret-marker',
  'tok\u007fsecret-marker',
  'tok\u00e9secret-marker',
  'tok\u2028secret-marker',
];

function expectUnquoted(err: Error, token: string): void {
  expect(err).to.be.instanceOf(AgileCRMResponseError);
  expect(err.message).to.match(/token response .* not visible ASCII/);
  expect(err.message).not.to.include('secret-marker');
  expect(JSON.stringify(err)).not.to.include(JSON.stringify(token).slice(1, -1));
}

describe('tokens that cannot go into an Authorization header', () => {
  useNock();

  for (const token of BAD_TOKENS) {
    it(`login: an access_token ${JSON.stringify(token)} fails the login before any profile request`, async () => {
      const { scope } = mockToken(undefined, { access_token: token, token_type: 'bearer' });
      const profile = mockProfile();
      const { first, actions } = await callbackDirectly(makeStrategy());
      const err = errorOf(await first);
      expect(scope.isDone()).to.equal(true);
      expect(profile.scope.isDone(), 'profile requested with a bad token').to.equal(false);
      expect(actions).to.have.length(1);
      expectUnquoted(err, token);
    });

    for (const field of ['access_token', 'refresh_token']) {
      it(`refresh(): a ${field} ${JSON.stringify(token)} rejects`, async () => {
        mockToken(undefined, { access_token: ACCESS_TOKEN, [field]: token });
        const err = await makeStrategy()
          .refresh(REFRESH_TOKEN)
          .then(
            () => expect.fail('expected a rejection'),
            (e: unknown) => e as Error,
          );
        expectUnquoted(err, token);
      });
    }

    it(`AgileCRMClient refuses the access token ${JSON.stringify(token)} without quoting it`, () => {
      expect(() => new AgileCRMClient({ domain: 'acme', accessToken: token }))
        .to.throw(TypeError, /accessToken must be a non-empty string of visible ASCII/)
        .with.property('message')
        .that.does.not.include('secret-marker');
    });
  }

  it('accepts every visible ASCII character in a token (RFC 6750 b64token and beyond)', async () => {
    const token = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i)).join(
      '',
    );
    mockToken(undefined, { access_token: token, refresh_token: token });
    const tokens = await makeStrategy().refresh(REFRESH_TOKEN);
    expect(tokens.accessToken).to.equal(token);
    expect(tokens.refreshToken).to.equal(token);
    expect(new AgileCRMClient({ domain: 'acme', accessToken: token }).accessToken).to.equal(token);
  });
});
