import { expect } from 'chai';
import nock from 'nock';
import request from 'supertest';
import { ApiKeyStrategy } from '../../lib/api-key/strategy';
import type { ApiKeyCredentials } from '../../lib/api-key/credentials';
import type { AgileCRMProfile } from '../../lib/shared/profile';
import { useNock } from '../support/nock';
import {
  API_KEY,
  DEMO_USER_BODY,
  EMAIL,
  basic,
  postForm,
  startApp,
  type TestApp,
} from './support/app';

describe('ApiKeyStrategy: a successful login in an Express app', () => {
  let app: TestApp;
  let seen: { profile: AgileCRMProfile; credentials: ApiKeyCredentials }[];

  useNock();

  beforeEach(async () => {
    seen = [];
    app = await startApp(
      new ApiKeyStrategy(async (profile, credentials) => {
        seen.push({ profile, credentials });
        return { id: profile.id, domain: profile.domain };
      }),
    );
  });

  afterEach(() => app.close());

  it('checks the credentials with GET current-user, HTTP Basic and Accept: application/json', async () => {
    const agile = nock('https://acme.agilecrm.com', {
      reqheaders: { authorization: basic(EMAIL, API_KEY), accept: 'application/json' },
    })
      .get('/dev/api/users/current-user')
      .reply(200, DEMO_USER_BODY, { 'content-type': 'application/json' });

    const res = await postForm(app);

    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ user: { id: '6263975862861824123', domain: 'acme' } });
    expect(agile.isDone()).to.equal(true);
  });

  it('hands verify the same profile as the OAuth strategy, with the exact 64-bit id', async () => {
    nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(200, DEMO_USER_BODY, { 'content-type': 'application/json' });

    await postForm(app).expect(200);

    expect(seen).to.have.length(1);
    const { profile, credentials } = seen[0]!;
    expect(profile).to.deep.include({
      provider: 'agilecrm',
      id: '6263975862861824123',
      displayName: 'Dana Demo',
      emails: [{ value: EMAIL }],
      photos: [{ value: 'https://cdn.example/dana.png' }],
      domain: 'acme',
      _raw: DEMO_USER_BODY,
    });
    expect(profile._json.id).to.equal('6263975862861824123');
    expect(credentials).to.deep.equal({ domain: 'acme', email: EMAIL, apiKey: API_KEY });
  });

  it('lowercases the account and trims pasted whitespace before use', async () => {
    const agile = nock('https://acme.agilecrm.com', {
      reqheaders: { authorization: basic(EMAIL, API_KEY) },
    })
      .get('/dev/api/users/current-user')
      .reply(200, DEMO_USER_BODY);

    await postForm(app, { domain: ' ACME ', email: ` ${EMAIL}\n`, apiKey: `${API_KEY} ` }).expect(
      200,
    );

    expect(agile.isDone()).to.equal(true);
    expect(seen[0]!.credentials).to.deep.equal({ domain: 'acme', email: EMAIL, apiKey: API_KEY });
  });

  it('sets req.user when used as plain middleware', async () => {
    nock('https://acme.agilecrm.com').get('/dev/api/users/current-user').reply(200, DEMO_USER_BODY);

    const res = await postForm(app, undefined, '/plain');

    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ user: { id: '6263975862861824123', domain: 'acme' } });
  });

  it('serves several accounts at once, each login going to its own account', async () => {
    const acme = nock('https://acme.agilecrm.com', {
      reqheaders: { authorization: basic(EMAIL, API_KEY) },
    })
      .get('/dev/api/users/current-user')
      .delay(30)
      .reply(200, '{"id":1,"email":"dana@acme.example"}');
    const globex = nock('https://globex.agilecrm.com', {
      reqheaders: { authorization: basic('hank@globex.example', 'globex-key') },
    })
      .get('/dev/api/users/current-user')
      .reply(200, '{"id":2,"email":"hank@globex.example"}');

    const [a, g] = await Promise.all([
      postForm(app),
      postForm(app, { domain: 'globex', email: 'hank@globex.example', apiKey: 'globex-key' }),
    ]);

    expect(a.body.user).to.deep.equal({ id: '1', domain: 'acme' });
    expect(g.body.user).to.deep.equal({ id: '2', domain: 'globex' });
    expect(acme.isDone() && globex.isDone()).to.equal(true);
  });
});

describe('ApiKeyStrategy: baseURL and profileURL', () => {
  useNock();

  async function loginThrough(strategy: ApiKeyStrategy): Promise<request.Response> {
    const app = await startApp(strategy);
    try {
      return await postForm(app);
    } finally {
      await app.close();
    }
  }

  it('baseURL with {domain} moves the current-user request', async () => {
    const emulator = nock('http://agile.test')
      .get('/acme/dev/api/users/current-user')
      .reply(200, DEMO_USER_BODY);

    const res = await loginThrough(
      new ApiKeyStrategy({ baseURL: 'http://agile.test/{domain}/' }, async (p) => ({ id: p.id })),
    );

    expect(res.body.user).to.deep.equal({ id: '6263975862861824123' });
    expect(emulator.isDone()).to.equal(true);
  });

  it('profileURL overrides the endpoint itself', async () => {
    const custom = nock('https://api.example').get('/acme/me').reply(200, DEMO_USER_BODY);

    const res = await loginThrough(
      new ApiKeyStrategy({ profileURL: 'https://api.example/{domain}/me' }, async (p) => ({
        id: p.id,
      })),
    );

    expect(res.body.user).to.deep.equal({ id: '6263975862861824123' });
    expect(custom.isDone()).to.equal(true);
  });
});
