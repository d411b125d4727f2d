import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMClient } from '../../lib/client/client';
import { useNock } from '../support/nock';
import { ACCESS_TOKEN, AGILE, JSON_TYPE } from './support/client';

describe('AgileCRMClient: request()', () => {
  let client: AgileCRMClient;

  useNock();

  beforeEach(() => {
    client = new AgileCRMClient({ domain: 'acme', accessToken: ACCESS_TOKEN });
  });

  it('appends query values and leaves undefined ones out', async () => {
    const agile = nock(AGILE)
      .get('/dev/api/opportunity')
      .query((q) => JSON.stringify(q) === JSON.stringify({ page_size: '10', archived: 'false' }))
      .reply(200, '[]', JSON_TYPE);

    await client.request('GET', '/dev/api/opportunity', {
      query: { page_size: 10, archived: false, cursor: undefined },
    });

    expect(agile.isDone()).to.equal(true);
  });

  it('sends an object body as JSON', async () => {
    const agile = nock(AGILE, { reqheaders: { 'content-type': 'application/json' } })
      .post('/dev/api/contacts', {
        tags: ['Lead'],
        properties: [{ name: 'first_name', value: 'Ann' }],
      })
      .reply(200, '{"id":5629499534213120123,"tags":["Lead"]}', JSON_TYPE);

    const created = await client.request('POST', '/dev/api/contacts', {
      body: { tags: ['Lead'], properties: [{ name: 'first_name', value: 'Ann' }] },
    });

    expect(created).to.deep.equal({ id: '5629499534213120123', tags: ['Lead'] });
    expect(agile.isDone()).to.equal(true);
  });

  it('sends URLSearchParams as a form', async () => {
    const agile = nock(AGILE, {
      reqheaders: { 'content-type': 'application/x-www-form-urlencoded' },
    })
      .post('/dev/api/contacts/search/email', 'email_ids=%5B%22ann%40x.example%22%5D')
      .reply(200, '[]', JSON_TYPE);

    await client.request('POST', '/dev/api/contacts/search/email', {
      body: new URLSearchParams({ email_ids: '["ann@x.example"]' }),
    });

    expect(agile.isDone()).to.equal(true);
  });

  it('returns parsed JSON as unknown, 64-bit numbers as exact strings', async () => {
    nock(AGILE)
      .get('/dev/api/users')
      .reply(200, '[{"id":6263975862861824123,"is_admin":true,"n":12}]', JSON_TYPE);

    expect(await client.request('GET', '/dev/api/users')).to.deep.equal([
      { id: '6263975862861824123', is_admin: true, n: 12 },
    ]);
  });
});
