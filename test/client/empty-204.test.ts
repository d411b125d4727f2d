import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMClient } from '../../lib/client/client';
import { useNock } from '../support/nock';
import { AGILE, apiKeyClient } from './support/client';

describe('AgileCRMClient: HTTP 204 with an empty body means "none"', () => {
  let client: AgileCRMClient;

  useNock();

  beforeEach(() => {
    client = apiKeyClient();
  });

  it('listContacts gives an empty page without a cursor', async () => {
    nock(AGILE).get('/dev/api/contacts').query(true).reply(204);

    const result = await client.listContacts({ pageSize: 50 });

    expect(result).to.deep.equal({ contacts: [] });
  });

  it('the iterator yields nothing and ends', async () => {
    const agile = nock(AGILE).get('/dev/api/contacts').query(true).reply(204);

    const all = [];
    for await (const contact of client.contacts()) all.push(contact);

    expect(all).to.deep.equal([]);
    expect(agile.isDone()).to.equal(true);
  });

  it('request() resolves to undefined for 204 and for an empty 200', async () => {
    nock(AGILE)
      .delete('/dev/api/contacts/1')
      .reply(204)
      .put('/dev/api/contacts/edit/tags')
      .reply(200, '');

    expect(await client.request('DELETE', '/dev/api/contacts/1')).to.equal(undefined);
    expect(await client.request('PUT', '/dev/api/contacts/edit/tags', { body: {} })).to.equal(
      undefined,
    );
  });

  it('an empty JSON array is an empty page too', async () => {
    nock(AGILE).get('/dev/api/contacts').query(true).reply(200, '[]');

    expect(await client.listContacts()).to.deep.equal({ contacts: [] });
  });
});
