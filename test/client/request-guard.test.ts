import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMClient, type AgileCRMMethod } from '../../lib/client/client';
import { useNock } from '../support/nock';
import { ACCESS_TOKEN } from './support/client';

describe("AgileCRMClient: request() only sends credentials to the account's /dev/ API", () => {
  let client: AgileCRMClient;
  let trap: nock.Scope;
  let requests: number;

  useNock();

  beforeEach(() => {
    requests = 0;
    // Any host, any GET: staying unused proves nothing was sent. Other requests are counted
    // through nock's "no match" event (net connect is disabled, so they cannot leave either).
    trap = nock(/.*/).persist().get(/.*/).reply(200, '{}');
    trap.on('request', () => requests++);
    nock.emitter.on('no match', countUnmatched);
    client = new AgileCRMClient(
      { domain: 'acme', accessToken: ACCESS_TOKEN },
      { baseURL: 'https://gateway.example/agile/{domain}' },
    );
  });

  function countUnmatched(): void {
    requests++;
  }

  afterEach(() => {
    nock.emitter.removeListener('no match', countUnmatched);
  });

  const refused = [
    'https://evil.example/dev/api/contacts',
    '//evil.example/dev/api/contacts',
    'dev/api/contacts',
    '/oauth/token',
    '/dev',
    '/dev/../oauth/token',
    '/dev/api/../../../oauth/token',
    '/dev/%2e%2e/oauth/token',
    '/dev/%2E%2E/%2e%2e/x',
    '/dev/./api',
    '/dev\\..\\oauth',
    '/dev/api/contacts?cursor=x',
    '/dev/api/contacts#x',
    '/dev/api/con tacts',
    '/dev/api/contacts\r\nHost: evil.example',
    // Traversal a server can still resolve: it decodes %2F or %5C, strips ;parameters, or
    // decodes twice.
    '/dev/..%2Fadmin',
    '/dev/%2e%2e%2fadmin',
    '/dev/..;/admin',
    '/dev/..%5Cadmin',
    '/dev/%252e%252e/x',
    '/dev/api/%2E%2e/%2E/x',
    '/dev/api/contacts%2f..%2f..%2foauth',
    '/dev/api/%25252e%25252E/x',
    '/dev/api/.%2e/x',
    '/dev/api/%c0%ae%c0%ae/x',
    '/dev/api/%u002e%u002e/x',
    '/dev/api/\uff0e\uff0e/x',
    '/dev/api/%EF%BC%8E%EF%BC%8E/x',
    '/dev/api/contacts;jsessionid=1',
    '/dev/api/contacts%3Bx=1',
    '/dev/api/..%00/x',
    '/dev/api/%0d%0aHost:%20evil',
  ];

  for (const path of refused) {
    it(`refuses ${JSON.stringify(path)} with a TypeError and no request`, async () => {
      const error = await client.request('GET', path).then(
        () => undefined,
        (err: unknown) => err,
      );

      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/path must/);
      expect(requests).to.equal(0);
    });
  }

  it('refuses a method that is not one of GET, POST, PUT, DELETE, PATCH', async () => {
    const error = await client.request('TRACE' as AgileCRMMethod, '/dev/api/contacts').then(
      () => undefined,
      (err: unknown) => err,
    );

    expect(error).to.be.instanceOf(TypeError);
    expect(requests).to.equal(0);
  });

  const accepted = [
    '/dev/api/contacts/search/email/dana%40acme.example',
    '/dev/api/contacts/5629499534213120123/tags',
    '/dev/api/tags/Likely%20Buyer',
    '/dev/api/notes/a.b',
    '/dev/api/search/100%25',
    '/dev/api/x/...abc',
  ];

  for (const path of accepted) {
    it(`sends ${JSON.stringify(path)} as written`, async () => {
      nock.cleanAll();
      const gateway = nock('https://gateway.example').get(`/agile/acme${path}`).reply(200, '{}');

      await client.request('GET', path);

      expect(gateway.isDone()).to.equal(true);
    });
  }

  it('accepts an ordinary API path, sent under the base path', async () => {
    nock.cleanAll();
    const gateway = nock('https://gateway.example')
      .get('/agile/acme/dev/api/contacts/5629499534213120123')
      .reply(200, '{"id":5629499534213120123}');

    const contact = await client.request('GET', '/dev/api/contacts/5629499534213120123');

    expect(contact).to.deep.equal({ id: '5629499534213120123' });
    expect(gateway.isDone()).to.equal(true);
  });
});
