import { expect } from 'chai';
import nock from 'nock';
import request from 'supertest';
import type { Request } from 'express';
import type { AgileCRMProfile, ApiKeyCredentials } from '../../lib';
import { ApiKeyStrategy } from '../../lib/api-key/strategy';
import { nestPassportCallback } from '../support/nest-callback';
import { useNock } from '../support/nock';
import { DEMO_USER_BODY, EMAIL, postForm, startApp, type TestApp } from './support/app';

describe('ApiKeyStrategy: verify forms', () => {
  let app: TestApp | undefined;

  useNock();

  beforeEach(() => {
    nock('https://acme.agilecrm.com').get('/dev/api/users/current-user').reply(200, DEMO_USER_BODY);
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function login(strategy: ApiKeyStrategy): Promise<request.Response> {
    app = await startApp(strategy);
    return postForm(app).set('x-test', 'from-request');
  }

  it('(profile, credentials, done)', async () => {
    const res = await login(
      new ApiKeyStrategy((profile, credentials, done) => {
        done(null, { id: profile.id, email: credentials.email });
      }),
    );
    expect(res.body.user).to.deep.equal({ id: '6263975862861824123', email: EMAIL });
  });

  it('async (profile, credentials) => user', async () => {
    const res = await login(
      new ApiKeyStrategy(async (profile, credentials) => ({
        id: profile.id,
        domain: credentials.domain,
      })),
    );
    expect(res.body.user).to.deep.equal({ id: '6263975862861824123', domain: 'acme' });
  });

  it('(req, profile, credentials, done) with passReqToCallback', async () => {
    const res = await login(
      new ApiKeyStrategy({ passReqToCallback: true }, (req, profile, credentials, done) => {
        done(null, { id: profile.id, header: req.get('x-test'), domain: credentials.domain });
      }),
    );
    expect(res.body.user).to.deep.equal({
      id: '6263975862861824123',
      header: 'from-request',
      domain: 'acme',
    });
  });

  it('async (req, profile, credentials) => user with passReqToCallback', async () => {
    const res = await login(
      new ApiKeyStrategy({ passReqToCallback: true }, async (req, profile) => ({
        id: profile.id,
        header: req.get('x-test'),
      })),
    );
    expect(res.body.user).to.deep.equal({ id: '6263975862861824123', header: 'from-request' });
  });

  it('done(null, false, info) fails the login with that info', async () => {
    const res = await login(
      new ApiKeyStrategy((_profile, _credentials, done) => {
        done(null, false, { message: 'Not invited' });
      }),
    );
    expect(res.body.failed).to.deep.equal({ info: { message: 'Not invited' }, status: 401 });
  });

  it('an async verify resolving false (or null) fails the login', async () => {
    const res = await login(new ApiKeyStrategy(async () => null));
    expect(res.body.failed.status).to.equal(401);
  });

  it('an async verify that rejects is an error', async () => {
    const res = await login(
      new ApiKeyStrategy(async () => {
        throw new Error('database down');
      }),
    );
    expect(res.status).to.equal(500);
    expect(res.body.error.message).to.equal('database down');
  });

  it('a callback verify that throws is an error, reported once', async () => {
    const res = await login(
      new ApiKeyStrategy((_profile, _credentials, _done) => {
        throw new Error('bug in verify');
      }),
    );
    expect(res.status).to.equal(500);
    expect(res.body.error.message).to.equal('bug in verify');
    expect(app!.errors).to.have.length(1);
  });

  it('done(err) is an error', async () => {
    const res = await login(
      new ApiKeyStrategy((_profile, _credentials, done) => done(new Error('no such user'))),
    );
    expect(res.body.error.message).to.equal('no such user');
  });

  it('a done called twice settles the login once', async () => {
    const res = await login(
      new ApiKeyStrategy((profile, _credentials, done) => {
        done(null, { id: profile.id });
        done(new Error('second call'));
      }),
    );
    expect(res.status).to.equal(200);
    expect(res.body.user).to.deep.equal({ id: '6263975862861824123' });
    expect(app!.errors).to.have.length(0);
  });

  describe("NestJS's PassportStrategy mixin: async (...params) that calls the last parameter", () => {
    it('gets (profile, credentials, done) and logs the user in', async () => {
      const res = await login(
        new ApiKeyStrategy(
          nestPassportCallback((profile, credentials) => ({
            id: (profile as AgileCRMProfile).id,
            email: (credentials as ApiKeyCredentials).email,
          })),
        ),
      );
      expect(res.body.user).to.deep.equal({ id: '6263975862861824123', email: EMAIL });
    });

    it('with passReqToCallback gets (req, profile, credentials, done)', async () => {
      const res = await login(
        new ApiKeyStrategy(
          { passReqToCallback: true },
          nestPassportCallback((req, profile) => ({
            id: (profile as AgileCRMProfile).id,
            header: (req as Request).get('x-test'),
          })),
        ),
      );
      expect(res.body.user).to.deep.equal({ id: '6263975862861824123', header: 'from-request' });
    });

    it('validate returning false fails the login; throwing is an error', async () => {
      const refused = await login(new ApiKeyStrategy(nestPassportCallback(() => false)));
      expect(refused.body.failed.status).to.equal(401);
      await app?.close();
      nock('https://acme.agilecrm.com')
        .get('/dev/api/users/current-user')
        .reply(200, DEMO_USER_BODY);
      const failed = await login(
        new ApiKeyStrategy(
          nestPassportCallback(() => {
            throw new Error('validate threw');
          }),
        ),
      );
      expect(failed.status).to.equal(500);
      expect(failed.body.error.message).to.equal('validate threw');
      expect(app!.errors).to.have.length(1);
    });
  });

  it('an async callback-form verify that rejects before done is an error', async () => {
    const res = await login(
      new ApiKeyStrategy(async (_profile, _credentials, _done) => {
        throw new Error('lookup failed');
      }),
    );
    expect(res.status).to.equal(500);
    expect(res.body.error.message).to.equal('lookup failed');
  });
});
