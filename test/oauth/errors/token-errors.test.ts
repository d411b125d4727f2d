import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMAPIError, AgileCRMResponseError, TokenError } from '../../../lib';
import { useNock } from '../../support/nock';
import {
  ACME,
  CLIENT_SECRET,
  callbackDirectly,
  errorOf,
  expectNoSecrets,
  fixture,
  makeStrategy,
} from '../support/strategy';

/** The error a callback ends with when the token endpoint answers `status` and `body`. */
async function tokenFailure(
  status: number,
  body: string | Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Error & Record<string, unknown>> {
  const token = nock(ACME).post('/oauth/token').reply(status, body, headers);
  // No profile interceptor: a profile request after a failed token request would error differently.
  const { first, actions } = await callbackDirectly(makeStrategy());
  const err = errorOf(await first);
  expect(token.isDone()).to.equal(true);
  expect(actions).to.have.length(1);
  expectNoSecrets(err);
  return err;
}

describe('errors from the token endpoint', () => {
  useNock();

  it('an OAuth error body becomes a TokenError with its code, description and uri', async () => {
    const err = await tokenFailure(400, {
      error: 'invalid_grant',
      error_description: 'The authorization code has expired',
      error_uri: 'https://docs.example/invalid_grant',
    });
    expect(err).to.be.instanceOf(TokenError);
    expect(err.name).to.equal('TokenError');
    expect(err.message).to.equal('The authorization code has expired');
    expect(err['code']).to.equal('invalid_grant');
    expect(err['uri']).to.equal('https://docs.example/invalid_grant');
    expect(err['status']).to.equal(400);
  });

  it('an OAuth error without description still says which error it was', async () => {
    const err = await tokenFailure(401, { error: 'invalid_client' });
    expect(err).to.be.instanceOf(TokenError);
    expect(err['code']).to.equal('invalid_client');
    expect(err.message).to.match(/invalid_client/);
  });

  it('an OAuth error body sent with HTTP 200 is a TokenError too', async () => {
    const err = await tokenFailure(200, {
      error: 'invalid_request',
      error_description: 'code_verifier required',
    });
    expect(err).to.be.instanceOf(TokenError);
    expect(err['code']).to.equal('invalid_request');
    expect(err.message).to.equal('code_verifier required');
  });

  for (const [what, body] of [
    ['no access_token', { token_type: 'bearer', expires_in: 3600 }],
    ['an empty access_token', { access_token: '' }],
    ['a numeric access_token', { access_token: 12345 }],
    ['a JSON array', [] as unknown as Record<string, unknown>],
  ] as const) {
    it(`a 200 with ${what} is a TokenError`, async () => {
      const err = await tokenFailure(200, body);
      expect(err).to.be.instanceOf(TokenError);
      expect(err.message).to.equal('Agile CRM token response did not include an access_token');
      expect(err['code']).to.equal('server_error');
    });
  }

  it('an Agile CRM JSON error (no OAuth error field) is an AgileCRMAPIError quoting its text', async () => {
    const err = await tokenFailure(401, fixture('agilecrm-readme-401.json'));
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect(err).to.include({ name: 'AgileCRMAPIError', status: 401, code: 'AGILECRM_API_ERROR' });
    expect(err.message).to.equal(
      'Agile CRM token request failed with HTTP 401: authentication issue',
    );
  });

  it('an HTML error page is an AgileCRMAPIError that does not quote the page', async () => {
    const err = await tokenFailure(502, fixture('web-server-default-401.html'), {
      'content-type': 'text/html',
    });
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect(err.message).to.equal('Agile CRM token request failed with HTTP 502');
  });

  it('a 200 body that is not JSON is a clear AgileCRMResponseError', async () => {
    const err = await tokenFailure(200, '<html>maintenance</html>', {
      'content-type': 'text/html',
    });
    expect(err).to.be.instanceOf(AgileCRMResponseError);
    expect(err.message).to.equal(
      'Agile CRM token request returned a body that is not JSON (HTTP 200)',
    );
    expect(err['code']).to.equal('AGILECRM_RESPONSE_ERROR');
  });

  it('a 500 with a Retry-After header keeps it on the error', async () => {
    const err = await tokenFailure(
      503,
      { status: '503', 'exception message': 'busy' },
      {
        'retry-after': '120',
      },
    );
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect(err['retryAfter']).to.equal(120);
  });

  it('never repeats the client secret even when the server echoes it back', async () => {
    const err = await tokenFailure(400, {
      error: 'invalid_client',
      error_description: `client secret ${CLIENT_SECRET} is not valid`,
    });
    expect(err).to.be.instanceOf(TokenError);
    expect(err.message).to.match(/client secret .* is not valid/);
  });

  it('never repeats the client secret from an echoing Agile CRM error', async () => {
    const err = await tokenFailure(401, {
      status: '401',
      'exception message': `bad secret ${CLIENT_SECRET}`,
    });
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect(err.message).to.match(/bad secret/);
  });
});
