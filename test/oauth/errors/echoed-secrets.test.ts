/**
 * A token endpoint that echoes back what it was sent, in the form it was sent: the Basic
 * credential of `client_secret_basic`, the form-encoded body of `client_secret_post`, or a
 * percent-encoded value. No such form of a secret may survive into the error.
 */
import { inspect } from 'node:util';
import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMAPIError, TokenError } from '../../../lib';
import { useNock } from '../../support/nock';
import {
  ACME,
  CLIENT_ID,
  REFRESH_TOKEN,
  SECRETS,
  callbackDirectly,
  errorOf,
  makeStrategy,
} from '../support/strategy';

/** A secret with every character form encoding changes: `+ / = & %`, a space, quotes. */
const SECRET = 'S3cr+t/=&x y%"\'!*~';

/** Everything a logger could print of `err`. */
function everyText(err: unknown): string {
  const e = err as Error;
  return [
    e.message,
    String(e.stack),
    JSON.stringify(err),
    inspect(err, { depth: Infinity, showHidden: true }),
  ].join('\n');
}

/** The forms the secret travels in, computed here independently of the library. */
function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64'),
    Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(secret)}`).toString(
      'base64',
    ),
  ];
}

function expectHidden(err: unknown, secrets: string[]): void {
  const text = everyText(err);
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      expect(text, `a form of ${secret} leaked`).not.to.include(form);
    }
  }
}

/** The error a login ends with when the token endpoint echoes the request with `reply`. */
async function echoedLogin(
  clientAuthentication: 'client_secret_post' | 'client_secret_basic',
  reply: (body: string, authorization: string) => [number, Record<string, unknown>],
): Promise<Error & Record<string, unknown>> {
  const token = nock(ACME)
    .post('/oauth/token')
    .reply(function (_uri, body) {
      return reply(String(body), String(this.req.headers['authorization'] ?? ''));
    });
  const { first } = await callbackDirectly(
    makeStrategy({ clientSecret: SECRET, clientAuthentication }),
  );
  const err = errorOf(await first);
  expect(token.isDone()).to.equal(true);
  return err;
}

describe('secrets echoed back in another encoding', () => {
  useNock();

  it('client_secret_basic: an echoed Authorization header is not in the TokenError', async () => {
    const err = await echoedLogin('client_secret_basic', (_body, authorization) => [
      401,
      { error: 'invalid_client', error_description: `rejected ${authorization}` },
    ]);
    expect(err).to.be.instanceOf(TokenError);
    expect(err.message).to.match(/^rejected Basic \[redacted\]$/);
    expectHidden(err, [SECRET]);
  });

  it('client_secret_post: the form-encoded secret is not in the TokenError', async () => {
    const err = await echoedLogin('client_secret_post', (body) => [
      400,
      { error: 'invalid_client', error_description: `bad request body: ${body}` },
    ]);
    expect(err).to.be.instanceOf(TokenError);
    expect(err.message).to.include('client_secret=[redacted]');
    // The code and the PKCE verifier went in the same body, and are secrets too.
    expect(err.message).to.include('code=[redacted]');
    expect(err.message).to.include('code_verifier=[redacted]');
    expectHidden(err, [SECRET, 'auth-code']);
  });

  it('the secret echoed with spaces as + (application/x-www-form-urlencoded) is hidden', async () => {
    const formEncoded = new URLSearchParams({ s: SECRET }).toString().slice(2);
    const err = await echoedLogin('client_secret_post', () => [
      401,
      { status: '401', 'exception message': `secret ${formEncoded} refused`, echo: formEncoded },
    ]);
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect(err.message).to.include('secret [redacted] refused');
    expectHidden(err, [SECRET]);
  });

  it('error, error_uri and lower-case percent escapes are redacted too', async () => {
    const lower = encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    const err = await echoedLogin('client_secret_post', () => [
      400,
      {
        error: `invalid_client ${SECRET}`,
        error_uri: `https://docs.example/errors?secret=${lower}`,
      },
    ]);
    expect(err).to.be.instanceOf(TokenError);
    expect(err['uri']).to.equal('https://docs.example/errors?secret=[redacted]');
    expectHidden(err, [SECRET]);
  });

  it('refresh(): a refresh token and secret echoed percent-encoded are hidden', async () => {
    const token = nock(ACME)
      .post('/oauth/token')
      .reply(function (_uri, body) {
        return [400, { error: 'invalid_grant', error_description: `got ${String(body)}` }];
      });
    const refreshToken = `${REFRESH_TOKEN}+/=`;
    const err = await makeStrategy({ clientSecret: SECRET })
      .refresh(refreshToken)
      .then(
        () => expect.fail('expected a rejection'),
        (e: unknown) => e as Error,
      );
    expect(token.isDone()).to.equal(true);
    expect(err).to.be.instanceOf(TokenError);
    expectHidden(err, [SECRET, refreshToken, ...SECRETS]);
  });
});
