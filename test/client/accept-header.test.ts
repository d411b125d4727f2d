import { expect } from 'chai';
import * as https from 'node:https';
import nock from 'nock';
import { AgileCRMClient } from '../../lib/client/client';
import { AgileCRMResponseError } from '../../lib/http/errors';
import { useNock } from '../support/nock';
import { AGILE, JSON_TYPE, apiKeyClient } from './support/client';
import { contactJSON, page } from './support/contacts';

const XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><contacts><contact><id>5629499534213120123</id></contact></contacts>';

/**
 * Agile CRM as documented: JSON only for `Accept: application/json`, XML otherwise. The JSON
 * interceptor comes first and only matches with the header.
 */
function agileContacts(): { json: nock.Interceptor; xml: nock.Scope } {
  const scope = nock(AGILE);
  const json = scope.get('/dev/api/contacts').query(true).matchHeader('accept', 'application/json');
  json.reply(200, page(contactJSON('5629499534213120123', 'Ann', 'A', 'ann@x.example')), JSON_TYPE);
  const xml = nock(AGILE)
    .get('/dev/api/contacts')
    .query(true)
    .reply(200, XML, { 'content-type': 'application/xml' });
  return { json, xml };
}

describe('AgileCRMClient: always sends Accept: application/json', () => {
  useNock();

  it('the stand-in server answers XML to a request without the header', async () => {
    const { xml } = agileContacts();

    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${AGILE}/dev/api/contacts?page_size=1`, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });

    expect(body).to.equal(XML);
    expect(xml.isDone()).to.equal(true);
  });

  it('the client gets the JSON answer and the XML one is never requested', async () => {
    const { xml } = agileContacts();
    const client = apiKeyClient();

    const { contacts } = await client.listContacts({ pageSize: 1 });

    expect(contacts.map((c) => c.id)).to.deep.equal(['5629499534213120123']);
    expect(xml.isDone()).to.equal(false);
  });

  it('sends it on every call, with bearer tokens too', async () => {
    const scope = nock(AGILE, { reqheaders: { accept: 'application/json' } })
      .get('/dev/api/users/current-user')
      .reply(200, '{"id":1}', JSON_TYPE)
      .post('/dev/api/contacts')
      .reply(200, contactJSON('2', 'Bo', 'B', 'bo@x.example'), JSON_TYPE)
      .delete('/dev/api/contacts/2')
      .reply(204);
    const client = new AgileCRMClient({ domain: 'acme', accessToken: 'token-1' });

    await client.currentUser();
    await client.request('POST', '/dev/api/contacts', { body: { tags: ['x'] } });
    await client.request('DELETE', '/dev/api/contacts/2');

    expect(scope.isDone()).to.equal(true);
  });

  it('an XML body with a 200 anyway is a clear AgileCRMResponseError, never parsed', async () => {
    nock(AGILE).get('/dev/api/contacts').query(true).reply(200, XML, {
      'content-type': 'application/xml',
    });
    const client = apiKeyClient();

    const error = await client.listContacts().then(
      () => undefined,
      (err: unknown) => err,
    );

    expect(error).to.be.instanceOf(AgileCRMResponseError);
    expect((error as Error).message).to.match(/not JSON \(HTTP 200, application\/xml\)/);
  });
});
