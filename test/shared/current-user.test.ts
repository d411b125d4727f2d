import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMAPIError } from '../../lib';
import { fetchProfile } from '../../lib/shared/current-user';

describe('fetchProfile (current user)', () => {
  before(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('never repeats an API key from Basic credentials, encoded or not', async () => {
    const basic = Buffer.from('owner@acme.example:the-api-key').toString('base64');
    nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .matchHeader('authorization', `Basic ${basic}`)
      .reply(401, { 'exception message': `key the-api-key (${basic}) refused` });
    const err = await fetchProfile({
      profileURL: 'https://acme.agilecrm.com/dev/api/users/current-user',
      authorization: `Basic ${basic}`,
      domain: 'acme',
      timeout: 1000,
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AgileCRMAPIError);
    expect((err as Error).message).to.equal(
      'Agile CRM profile request failed with HTTP 401: key [redacted] ([redacted]) refused',
    );
  });
});
