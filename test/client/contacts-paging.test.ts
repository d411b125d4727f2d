import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMClient } from '../../lib/client/client';
import { contactEmail } from '../../lib/client/contacts';
import { useNock } from '../support/nock';
import { AGILE, API_KEY, EMAIL, JSON_TYPE, apiKeyClient, basic } from './support/client';
import { contactJSON, page } from './support/contacts';

describe('AgileCRMClient: contacts paging with the cursor on the last contact', () => {
  let client: AgileCRMClient;

  useNock();

  beforeEach(() => {
    client = apiKeyClient();
  });

  function threePages(): nock.Scope {
    return nock(AGILE, { reqheaders: { authorization: basic(EMAIL, API_KEY) } })
      .get('/dev/api/contacts')
      .query({ page_size: '2' })
      .reply(
        200,
        page(
          contactJSON('5629499534213120123', 'Ann', 'A', 'ann@x.example', { count: 5 }),
          contactJSON('5629499534213120124', 'Bob', 'B', 'bob@x.example', { cursor: 'c-page-2' }),
        ),
        JSON_TYPE,
      )
      .get('/dev/api/contacts')
      .query({ page_size: '2', cursor: 'c-page-2' })
      .reply(
        200,
        page(
          contactJSON('5629499534213120125', 'Cat', 'C', 'cat@x.example'),
          contactJSON('5629499534213120126', 'Dan', 'D', 'dan@x.example', { cursor: 'c-page-3' }),
        ),
        JSON_TYPE,
      )
      .get('/dev/api/contacts')
      .query({ page_size: '2', cursor: 'c-page-3' })
      .reply(200, page(contactJSON('5629499534213120127', 'Eve', 'E', 'eve@x.example')), JSON_TYPE);
  }

  it('the async iterator walks all three pages and stops where no cursor is given', async () => {
    const agile = threePages();

    const emails: string[] = [];
    const ids: string[] = [];
    for await (const contact of client.contacts({ pageSize: 2 })) {
      ids.push(contact.id);
      emails.push(contactEmail(contact) ?? '');
    }

    expect(emails).to.deep.equal([
      'ann@x.example',
      'bob@x.example',
      'cat@x.example',
      'dan@x.example',
      'eve@x.example',
    ]);
    expect(ids).to.deep.equal([
      '5629499534213120123',
      '5629499534213120124',
      '5629499534213120125',
      '5629499534213120126',
      '5629499534213120127',
    ]);
    expect(agile.isDone()).to.equal(true);
  });

  it('listContacts returns one page and the cursor for the next', async () => {
    threePages();

    const first = await client.listContacts({ pageSize: 2 });
    expect(first.contacts.map((c) => c.id)).to.deep.equal([
      '5629499534213120123',
      '5629499534213120124',
    ]);
    expect(first.cursor).to.equal('c-page-2');

    const second = await client.listContacts({ pageSize: 2, cursor: first.cursor });
    expect(second.cursor).to.equal('c-page-3');

    const last = await client.listContacts({ pageSize: 2, cursor: second.cursor });
    expect(last.contacts).to.have.length(1);
    expect(last).not.to.have.property('cursor');
  });

  it('fetches the next page only when the loop asks for it', async () => {
    const agile = threePages();
    let requests = 0;
    agile.on('request', () => requests++);

    for await (const contact of client.contacts({ pageSize: 2 })) {
      expect(contact.id).to.equal('5629499534213120123');
      break;
    }

    expect(requests).to.equal(1);
    expect(agile.isDone()).to.equal(false);
  });

  it('sends page_size 20 when none is given', async () => {
    const agile = nock(AGILE)
      .get('/dev/api/contacts')
      .query({ page_size: '20' })
      .reply(200, page(contactJSON('1', 'Ann', 'A', 'ann@x.example')), JSON_TYPE);

    const result = await client.listContacts();

    expect(result.contacts).to.have.length(1);
    expect(agile.isDone()).to.equal(true);
  });

  it('stops with an error when Agile CRM repeats a cursor instead of looping forever', async () => {
    nock(AGILE)
      .get('/dev/api/contacts')
      .query(true)
      .times(3)
      .reply(
        200,
        page(contactJSON('1', 'Ann', 'A', 'ann@x.example', { cursor: 'same' })),
        JSON_TYPE,
      );

    const seen: string[] = [];
    let error: unknown;
    try {
      for await (const contact of client.contacts({ pageSize: 1 })) seen.push(contact.id);
    } catch (err) {
      error = err;
    }

    expect(seen).to.deep.equal(['1', '1']);
    expect(error).to.have.property('code', 'AGILECRM_RESPONSE_ERROR');
    expect((error as Error).message).to.match(/repeated a page cursor/);
  });

  it('refuses a page size or cursor that is not usable, before any request', async () => {
    const trap = nock(AGILE).get(/.*/).reply(200, '[]');

    for (const pageSize of [0, -1, 1.5, Number.NaN]) {
      await client.listContacts({ pageSize }).then(
        () => expect.fail('resolved'),
        (err: unknown) => expect(err).to.be.instanceOf(TypeError),
      );
    }
    await client.listContacts({ cursor: '' }).then(
      () => expect.fail('resolved'),
      (err: unknown) => expect(err).to.be.instanceOf(TypeError),
    );
    expect(trap.isDone()).to.equal(false);
  });
});
