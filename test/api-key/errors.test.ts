import { expect } from 'chai';
import nock from 'nock';
import request from 'supertest';
import { ApiKeyStrategy } from '../../lib/api-key/strategy';
import {
  AgileCRMAPIError,
  AgileCRMRequestError,
  AgileCRMResponseError,
} from '../../lib/http/errors';
import { useNock } from '../support/nock';
import { API_KEY, EMAIL, basic, postForm, useTestApp } from './support/app';

describe('ApiKeyStrategy: anything but a 401 is an error, never a leak', () => {
  useNock();
  const app = useTestApp(
    () => new ApiKeyStrategy({ timeout: 100 }, async (profile) => ({ id: profile.id })),
  );

  beforeEach(() => {
    app.errors.length = 0;
  });

  const login = (): Promise<request.Response> => postForm(app);

  function expectNoSecret(res: request.Response): void {
    const encoded = basic(EMAIL, API_KEY).slice('Basic '.length);
    for (const err of app.errors) {
      const e = err as Error;
      for (const text of [e.message, JSON.stringify(e), String(e.stack)]) {
        expect(text).not.to.include(API_KEY);
        expect(text).not.to.include(encoded);
      }
    }
    expect(res.text).not.to.include(API_KEY);
    expect(res.text).not.to.include(encoded);
  }

  it("the daily-limit 500 → AgileCRMAPIError quoting Agile CRM's message", async () => {
    nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(500, '{"status":"500","exception message":"Daily API call limit exceeded"}');

    const res = await login();

    expect(res.status).to.equal(500);
    expect(app.errors[0]).to.be.instanceOf(AgileCRMAPIError);
    expect(res.body.error).to.include({ code: 'AGILECRM_API_ERROR', status: 500 });
    expect(res.body.error.message).to.include('Daily API call limit exceeded');
    expectNoSecret(res);
  });

  it('a 403 is an error too, not a failed login', async () => {
    nock('https://acme.agilecrm.com').get('/dev/api/users/current-user').reply(403, 'Forbidden');

    const res = await login();

    expect(app.errors[0]).to.be.instanceOf(AgileCRMAPIError);
    expect(res.body.error.status).to.equal(403);
  });

  it('no answer within the timeout option → AgileCRMRequestError (timeout)', async () => {
    nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .delay(1000)
      .reply(200, '{"id":1}');

    const res = await login();

    expect(app.errors[0]).to.be.instanceOf(AgileCRMRequestError);
    expect((app.errors[0] as AgileCRMRequestError).reason).to.equal('timeout');
    expect(res.body.error.message).to.match(/timed out after 100 ms/);
    expectNoSecret(res);
  });

  it('a reset connection → AgileCRMRequestError (network)', async () => {
    nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

    const res = await login();

    expect(app.errors[0]).to.be.instanceOf(AgileCRMRequestError);
    expect(res.body.error.message).to.match(/connection reset/);
    expectNoSecret(res);
  });

  it('a 200 with an HTML page → AgileCRMResponseError', async () => {
    nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(200, '<html><body>Maintenance</body></html>', { 'content-type': 'text/html' });

    const res = await login();

    expect(app.errors[0]).to.be.instanceOf(AgileCRMResponseError);
    expect(res.body.error.message).to.match(/not JSON .*text\/html/);
    expectNoSecret(res);
  });

  it('a 200 whose JSON has no user id → AgileCRMResponseError', async () => {
    nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(200, '{"email":"dana@acme.example"}');

    await login();

    expect(app.errors[0]).to.be.instanceOf(AgileCRMResponseError);
  });
});
