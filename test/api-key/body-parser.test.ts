import { expect } from 'chai';
import nock from 'nock';
import request from 'supertest';
import { ApiKeyStrategy } from '../../lib/api-key/strategy';
import { useNock } from '../support/nock';
import { API_KEY, DEMO_USER_BODY, EMAIL, postForm, startApp, type TestApp } from './support/app';

function strategy(): ApiKeyStrategy {
  return new ApiKeyStrategy(async (profile) => ({ id: profile.id }));
}

describe('ApiKeyStrategy: where the credentials come from', () => {
  let app: TestApp | undefined;

  useNock();

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('without a body parser: an error telling the developer to add one, and no request', async () => {
    const trap = nock(/agilecrm\.com/)
      .get(/.*/)
      .reply(200, DEMO_USER_BODY);
    app = await startApp(strategy(), 'none');

    const res = await postForm(app);

    expect(res.status).to.equal(500);
    expect(res.body.error.name).to.equal('TypeError');
    expect(res.body.error.message).to.match(/req\.body/);
    expect(res.body.error.message).to.match(/express\.urlencoded/);
    expect(res.body.error.message).to.match(/express\.json/);
    expect(trap.isDone()).to.equal(false);
  });

  it('with a body parser but an empty POST: a failed login (400), not an error', async () => {
    app = await startApp(strategy(), 'urlencoded');

    const res = await request(app.url).post('/login');

    expect(res.status).to.equal(200);
    expect(res.body.failed.status).to.equal(400);
    expect(res.body.failed.info.message).to.match(/form or JSON body/);
    expect(app.errors).to.have.length(0);
  });

  it('reads a JSON body through express.json()', async () => {
    const agile = nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(200, DEMO_USER_BODY);
    app = await startApp(strategy(), 'json');

    const res = await request(app.url)
      .post('/login')
      .send({ domain: 'acme', email: EMAIL, apiKey: API_KEY });

    expect(res.body).to.deep.equal({ user: { id: '6263975862861824123' } });
    expect(agile.isDone()).to.equal(true);
  });

  it('JSON values that are not strings fail with 400', async () => {
    const trap = nock(/agilecrm\.com/)
      .get(/.*/)
      .reply(200, DEMO_USER_BODY);
    app = await startApp(strategy(), 'json');

    const res = await request(app.url)
      .post('/login')
      .send({ domain: 'acme', email: EMAIL, apiKey: { toString: 'x' } });

    expect(res.body.failed.status).to.equal(400);
    expect(trap.isDone()).to.equal(false);
  });

  it('honours domainField, emailField and apiKeyField', async () => {
    const agile = nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(200, DEMO_USER_BODY);
    app = await startApp(
      new ApiKeyStrategy(
        { domainField: 'account', emailField: 'login', apiKeyField: 'key' },
        async (profile, credentials) => ({ id: profile.id, email: credentials.email }),
      ),
    );

    const res = await postForm(app, { account: 'acme', login: EMAIL, key: API_KEY });

    expect(res.body).to.deep.equal({ user: { id: '6263975862861824123', email: EMAIL } });
    expect(agile.isDone()).to.equal(true);
  });
});
