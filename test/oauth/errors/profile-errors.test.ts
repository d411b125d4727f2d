import { expect } from 'chai';
import { AgileCRMAPIError, AgileCRMResponseError } from '../../../lib';
import { useNock } from '../../support/nock';
import {
  ACCESS_TOKEN,
  callbackDirectly,
  errorOf,
  expectNoSecrets,
  fixture,
  makeStrategy,
  mockProfile,
  mockToken,
} from '../support/strategy';

/** The error a callback ends with when the current-user endpoint answers `status` and `body`. */
async function profileFailure(
  status: number,
  body: string,
  contentType?: string,
): Promise<Error & Record<string, unknown>> {
  const token = mockToken();
  const profile = mockProfile(undefined, body, status, contentType);
  const { first, actions } = await callbackDirectly(makeStrategy());
  const err = errorOf(await first);
  expect(token.scope.isDone()).to.equal(true);
  expect(profile.scope.isDone()).to.equal(true);
  expect(actions).to.have.length(1);
  expectNoSecrets(err);
  return err;
}

describe('errors from the current-user (profile) endpoint', () => {
  useNock();

  it("a 401 is an AgileCRMAPIError carrying Agile CRM's exception message", async () => {
    const err = await profileFailure(401, fixture('agilecrm-readme-401.json'));
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect(err.name).to.equal('AgileCRMAPIError');
    expect(err['status']).to.equal(401);
    expect(err['code']).to.equal('AGILECRM_API_ERROR');
    expect(err.message).to.equal(
      'Agile CRM profile request failed with HTTP 401: authentication issue',
    );
    expect(err.cause).to.deep.equal({ status: '401', 'exception message': 'authentication issue' });
  });

  it('a 500 quotes its exception message (the daily call limit)', async () => {
    const err = await profileFailure(
      500,
      '{"status":"500","exception message":"Daily API call limit exceeded"}',
    );
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect(err.message).to.match(/HTTP 500: Daily API call limit exceeded$/);
  });

  it('an HTML 401 page is an AgileCRMAPIError without the page in it', async () => {
    const err = await profileFailure(401, fixture('web-server-default-401.html'), 'text/html');
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect(err.message).to.equal('Agile CRM profile request failed with HTTP 401');
  });

  it('an XML 200 body is a clear AgileCRMResponseError', async () => {
    const err = await profileFailure(200, fixture('agilecrm-readme-owner.xml'), 'application/xml');
    expect(err).to.be.instanceOf(AgileCRMResponseError);
    expect(err.message).to.equal(
      'Agile CRM profile request returned a body that is not JSON (HTTP 200, application/xml)',
    );
    expect(err['status']).to.equal(200);
  });

  it('truncated JSON is a clear AgileCRMResponseError', async () => {
    const err = await profileFailure(200, '{"id": 6263975862861824, "email": "gh');
    expect(err).to.be.instanceOf(AgileCRMResponseError);
    expect(err.message).to.match(/not JSON/);
  });

  it('JSON without a user id is a clear AgileCRMResponseError', async () => {
    const err = await profileFailure(200, '{"email":"someone@example.com"}');
    expect(err).to.be.instanceOf(AgileCRMResponseError);
    expect(err.message).to.equal(
      'Agile CRM profile request returned JSON without a user id (HTTP 200)',
    );
  });

  it('never repeats the access token even when Agile CRM echoes it', async () => {
    const err = await profileFailure(
      401,
      JSON.stringify({ status: '401', 'exception message': `token ${ACCESS_TOKEN} expired` }),
    );
    expect(err.message).to.equal(
      'Agile CRM profile request failed with HTTP 401: token [redacted] expired',
    );
  });

  it('shortens a very long exception message and strips control characters', async () => {
    const err = await profileFailure(
      500,
      JSON.stringify({ 'exception message': `line1\r\nline2 ${'x'.repeat(1000)}` }),
    );
    expect(err.message).to.match(/HTTP 500: line1 line2 x+…$/);
    expect(err.message.length).to.be.below(400);
  });
});
