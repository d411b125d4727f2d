import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMClient } from '../../lib/client/client';
import { AgileCRMResponseError } from '../../lib/http/errors';
import { useNock } from '../support/nock';
import { ACCESS_TOKEN, API_KEY, EMAIL, JSON_TYPE, apiKeyClient, basic } from './support/client';
import { OWNER_JSON } from './support/contacts';

describe('AgileCRMClient: currentUser()', () => {
  useNock();

  it('with email and API key: HTTP Basic, and the 64-bit id kept exact', async () => {
    const agile = nock('https://acme.agilecrm.com', {
      reqheaders: { authorization: basic(EMAIL, API_KEY) },
    })
      .get('/dev/api/users/current-user')
      .reply(200, OWNER_JSON, JSON_TYPE);
    const client = apiKeyClient();

    const user = await client.currentUser();

    expect(user).to.deep.equal({
      id: '6263975862861824123',
      domain: 'acme',
      email: 'dana@acme.example',
      name: 'Dana Demo',
      pic: 'https://cdn.example/dana.png',
    });
    expect(agile.isDone()).to.equal(true);
  });

  it('with an access token: Authorization: Bearer', async () => {
    const agile = nock('https://acme.agilecrm.com', {
      reqheaders: { authorization: `Bearer ${ACCESS_TOKEN}` },
    })
      .get('/dev/api/users/current-user')
      .reply(200, '{"id":42,"email":"dana@acme.example"}', JSON_TYPE);
    const client = new AgileCRMClient({ domain: 'acme', accessToken: ACCESS_TOKEN });

    expect((await client.currentUser()).id).to.equal('42');
    expect(agile.isDone()).to.equal(true);
  });

  it('goes to baseURL with the account substituted', async () => {
    const emulator = nock('http://127.0.0.1:4000')
      .get('/globex/dev/api/users/current-user')
      .reply(200, '{"id":7}', JSON_TYPE);
    const client = new AgileCRMClient(
      { domain: 'Globex', accessToken: ACCESS_TOKEN },
      { baseURL: 'http://127.0.0.1:4000/{domain}' },
    );

    expect(client.domain).to.equal('globex');
    expect((await client.currentUser()).id).to.equal('7');
    expect(emulator.isDone()).to.equal(true);
  });

  it('JSON without a user id is an AgileCRMResponseError', async () => {
    nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(200, '{"email":"x@y.z"}', JSON_TYPE);
    const client = new AgileCRMClient({ domain: 'acme', accessToken: ACCESS_TOKEN });

    const error = await client.currentUser().catch((err: unknown) => err);

    expect(error).to.be.instanceOf(AgileCRMResponseError);
  });
});
