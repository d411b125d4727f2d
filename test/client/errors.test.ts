import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMClient } from '../../lib/client/client';
import { AgileCRMAPIError, AgileCRMRequestError } from '../../lib/http/errors';
import { useNock } from '../support/nock';
import { AGILE, JSON_TYPE, apiKeyClient } from './support/client';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err as Error,
  );
}

describe("AgileCRMClient: every non-2xx is a typed error with Agile CRM's message", () => {
  let client: AgileCRMClient;

  useNock();

  beforeEach(() => {
    client = apiKeyClient({ timeout: 100 });
  });

  it("401 with Agile CRM's JSON body", async () => {
    nock(AGILE)
      .get('/dev/api/contacts')
      .query(true)
      .reply(401, '{"status":"401","exception message":"authentication issue"}', JSON_TYPE);

    const error = await rejection(client.listContacts());

    expect(error).to.be.instanceOf(AgileCRMAPIError);
    expect(error).to.include({ status: 401, code: 'AGILECRM_API_ERROR', name: 'AgileCRMAPIError' });
    expect(error.message).to.equal(
      'Agile CRM API request (GET /dev/api/contacts) failed with HTTP 401: authentication issue',
    );
    expect(error.cause).to.deep.equal({
      status: '401',
      'exception message': 'authentication issue',
    });
  });

  it("401 as the web server's HTML page: the status, without quoting the HTML", async () => {
    nock(AGILE)
      .get('/dev/api/users/current-user')
      .reply(
        401,
        '<html><head><title>401 Unauthorized</title></head><body><h1>Unauthorized</h1></body></html>',
        {
          'content-type': 'text/html',
          'www-authenticate': 'Basic realm="agilecrm"',
        },
      );

    const error = await rejection(client.currentUser());

    expect(error).to.be.instanceOf(AgileCRMAPIError);
    expect((error as AgileCRMAPIError).status).to.equal(401);
    expect(error.message).to.equal(
      'Agile CRM API request (GET /dev/api/users/current-user) failed with HTTP 401',
    );
  });

  it('the daily-quota 500 carries the quota message', async () => {
    nock(AGILE)
      .get('/dev/api/contacts')
      .query(true)
      .reply(
        500,
        '{"status":"500","exception message":"Daily API call limit of 500 exceeded"}',
        JSON_TYPE,
      );

    const error = await rejection(client.listContacts());

    expect((error as AgileCRMAPIError).status).to.equal(500);
    expect(error.message).to.match(/HTTP 500: Daily API call limit of 500 exceeded$/);
    expect((error as AgileCRMAPIError).retryAfter).to.equal(undefined);
  });

  it('429 with Retry-After: the seconds are on the error', async () => {
    nock(AGILE)
      .get('/dev/api/contacts')
      .query(true)
      .reply(429, '{"status":"429","exception message":"Too many requests"}', {
        ...JSON_TYPE,
        'retry-after': '30',
      });

    const error = await rejection(client.listContacts());

    expect(error).to.be.instanceOf(AgileCRMAPIError);
    expect(error).to.include({ status: 429, retryAfter: 30 });
  });

  it('406 (plan contact limit) from a create keeps its status and message', async () => {
    nock(AGILE)
      .post('/dev/api/contacts')
      .reply(406, '{"status":"406","exception message":"Contacts limit reached"}', JSON_TYPE);

    const error = await rejection(client.request('POST', '/dev/api/contacts', { body: {} }));

    expect(error).to.include({ status: 406 });
    expect(error.message).to.match(/Contacts limit reached/);
  });

  it('no answer within the timeout → AgileCRMRequestError (timeout)', async () => {
    nock(AGILE).get('/dev/api/contacts').query(true).delay(1000).reply(200, '[]');

    const error = await rejection(client.listContacts());

    expect(error).to.be.instanceOf(AgileCRMRequestError);
    expect((error as AgileCRMRequestError).reason).to.equal('timeout');
    expect(error.message).to.equal(
      'Agile CRM API request (GET /dev/api/contacts) to https://acme.agilecrm.com/dev/api/contacts timed out after 100 ms',
    );
  });

  it('truncated JSON with a 200 → AgileCRMResponseError', async () => {
    nock(AGILE).get('/dev/api/contacts').query(true).reply(200, '[{"id":1,', JSON_TYPE);

    const error = await rejection(client.listContacts());

    expect(error).to.have.property('code', 'AGILECRM_RESPONSE_ERROR');
  });

  it('JSON that is not a list, or a contact without an id → AgileCRMResponseError', async () => {
    nock(AGILE)
      .get('/dev/api/contacts')
      .query(true)
      .reply(200, '{"id":1}', JSON_TYPE)
      .get('/dev/api/contacts')
      .query(true)
      .reply(200, '[{"id":1},{"type":"PERSON"}]', JSON_TYPE);

    expect((await rejection(client.listContacts())).message).to.match(/not a list of contacts/);
    expect((await rejection(client.listContacts())).message).to.match(
      /without an id at position 1/,
    );
  });
});
