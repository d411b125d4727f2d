import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMClient } from '../../lib/client/client';
import { AgileCRMAPIError } from '../../lib/http/errors';
import { useNock } from '../support/nock';
import { AGILE, JSON_TYPE, apiKeyClient } from './support/client';

const EXPIRED = '{"status":"401","exception message":"authentication issue"}';

function bearer(token: string): { reqheaders: { authorization: string } } {
  return { reqheaders: { authorization: `Bearer ${token}` } };
}

/** A client holding 'old-token' whose onUnauthorized hook is `hook`. */
function oldTokenClient(hook: () => Promise<string | undefined>): AgileCRMClient {
  return new AgileCRMClient({ domain: 'acme', accessToken: 'old-token' }, { onUnauthorized: hook });
}

/** A client holding 'old-token' whose hook counts its calls and answers `answer(calls)`. */
function countingClient(answer: (calls: number) => Promise<string>): {
  client: AgileCRMClient;
  calls(): number;
} {
  let calls = 0;
  const client = oldTokenClient(() => answer(++calls));
  return { client, calls: () => calls };
}

describe('AgileCRMClient: onUnauthorized refreshes the access token once and retries', () => {
  useNock();

  it('a 401 calls the hook, retries once with the new token, and exposes it', async () => {
    const old = nock(AGILE, bearer('old-token'))
      .get('/dev/api/users/current-user')
      .reply(401, EXPIRED);
    const fresh = nock(AGILE, bearer('new-token'))
      .get('/dev/api/users/current-user')
      .reply(200, '{"id":1}', JSON_TYPE);
    const { client, calls } = countingClient(async () => 'new-token');

    const user = await client.currentUser();

    expect(user.id).to.equal('1');
    expect(calls()).to.equal(1);
    expect(client.accessToken).to.equal('new-token');
    expect(old.isDone() && fresh.isDone()).to.equal(true);
  });

  it('a second 401 after the retry is the error: the hook is not called twice', async () => {
    const agile = nock(AGILE)
      .get('/dev/api/contacts')
      .query(true)
      .times(2)
      .reply(401, EXPIRED, JSON_TYPE);
    const trap = nock(AGILE).get('/dev/api/contacts').query(true).reply(200, '[]');
    const { client, calls } = countingClient(async (n) => `new-token-${n}`);

    const error = await client.listContacts().catch((err: unknown) => err);

    expect(error).to.be.instanceOf(AgileCRMAPIError);
    expect((error as AgileCRMAPIError).status).to.equal(401);
    expect(calls()).to.equal(1);
    expect(agile.isDone()).to.equal(true);
    expect(trap.isDone()).to.equal(false);
  });

  it('the hook resolving undefined gives up with the original 401, no retry', async () => {
    nock(AGILE).get('/dev/api/users/current-user').reply(401, EXPIRED, JSON_TYPE);
    const trap = nock(AGILE).get('/dev/api/users/current-user').reply(200, '{"id":1}');
    const client = oldTokenClient(async () => undefined);

    const error = await client.currentUser().catch((err: unknown) => err);

    expect((error as AgileCRMAPIError).status).to.equal(401);
    expect(trap.isDone()).to.equal(false);
    expect(client.accessToken).to.equal('old-token');
  });

  it("the hook's own failure (e.g. a refused refresh) is what the caller gets", async () => {
    nock(AGILE).get('/dev/api/users/current-user').reply(401, EXPIRED, JSON_TYPE);
    const client = oldTokenClient(async () => {
      throw new Error('refresh token revoked');
    });

    const error = await client.currentUser().catch((err: unknown) => err);

    expect((error as Error).message).to.equal('refresh token revoked');
  });

  it('concurrent 401s share one hook call, and every request retries with the new token', async () => {
    nock(AGILE, bearer('old-token'))
      .get('/dev/api/contacts')
      .query(true)
      .times(3)
      .reply(401, EXPIRED, JSON_TYPE);
    const fresh = nock(AGILE, bearer('new-token'))
      .get('/dev/api/contacts')
      .query(true)
      .times(3)
      .reply(200, '[]', JSON_TYPE);
    const { client, calls } = countingClient(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'new-token';
    });

    const pages = await Promise.all([
      client.listContacts(),
      client.listContacts(),
      client.listContacts(),
    ]);

    expect(pages).to.deep.equal([{ contacts: [] }, { contacts: [] }, { contacts: [] }]);
    expect(calls()).to.equal(1);
    expect(fresh.isDone()).to.equal(true);
  });

  it('a 401 for a request sent before another one refreshed reuses that token', async () => {
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    nock(AGILE, bearer('old-token'))
      .get('/dev/api/users/current-user')
      .reply(401, EXPIRED, JSON_TYPE)
      .get('/dev/api/contacts')
      .query(true)
      .reply(async () => {
        await slowGate;
        return [401, EXPIRED];
      });
    nock(AGILE, bearer('new-token'))
      .get('/dev/api/users/current-user')
      .reply(200, '{"id":1}', JSON_TYPE)
      .get('/dev/api/contacts')
      .query(true)
      .reply(200, '[]', JSON_TYPE);
    const { client, calls } = countingClient(async () => 'new-token');

    const slow = client.listContacts();
    await client.currentUser();
    releaseSlow();

    expect(await slow).to.deep.equal({ contacts: [] });
    expect(calls()).to.equal(1);
  });

  it('a hook answering a token with a line break is refused without quoting it', async () => {
    nock(AGILE).get('/dev/api/users/current-user').reply(401, EXPIRED, JSON_TYPE);
    const client = oldTokenClient(async () => 'evil\r\nX-Injected: 1');

    const error = await client.currentUser().catch((err: unknown) => err);

    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).not.to.include('evil');
    expect(client.accessToken).to.equal('old-token');
  });

  it('is refused for API-key clients, whose key cannot be refreshed', () => {
    expect(() => apiKeyClient({ onUnauthorized: async () => 'x' })).to.throw(
      TypeError,
      /onUnauthorized applies to access-token clients/,
    );
  });

  it('without a hook a 401 is simply the error', async () => {
    nock(AGILE).get('/dev/api/users/current-user').reply(401, EXPIRED, JSON_TYPE);
    const trap = nock(AGILE).get('/dev/api/users/current-user').reply(200, '{"id":1}');
    const client = new AgileCRMClient({ domain: 'acme', accessToken: 'old-token' });

    const error = await client.currentUser().catch((err: unknown) => err);

    expect((error as AgileCRMAPIError).status).to.equal(401);
    expect(trap.isDone()).to.equal(false);
  });
});
