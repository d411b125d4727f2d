import { expect } from 'chai';
import nock from 'nock';
import request from 'supertest';
import { ApiKeyStrategy } from '../../lib/api-key/strategy';
import { useNock } from '../support/nock';
import { API_KEY, countingVerify, postForm, useTestApp } from './support/app';

const INVALID = 'Invalid Agile CRM email or API key';

describe("ApiKeyStrategy: Agile CRM's 401 is a failed login", () => {
  const counter = countingVerify();

  useNock();
  const app = useTestApp(() => new ApiKeyStrategy(counter.verify));

  const login = (): Promise<request.Response> => postForm(app);

  it('a JSON 401 ("authentication issue") → fail(401) with a clear message', async () => {
    const agile = nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(401, '{"status":"401","exception message":"authentication issue"}', {
        'content-type': 'application/json',
      });

    const res = await login();

    expect(res.body.failed).to.deep.equal({ info: { message: INVALID }, status: 401 });
    expect(agile.isDone()).to.equal(true);
    expect(app.errors).to.have.length(0);
    expect(counter.calls).to.equal(0);
  });

  it("the web server's HTML 401 page → the same failed login", async () => {
    nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(
        401,
        '<html><head><title>401 Unauthorized</title></head><body>Unauthorized</body></html>',
        {
          'content-type': 'text/html',
          'www-authenticate': 'Basic realm="agilecrm"',
        },
      );

    const res = await login();

    expect(res.body.failed).to.deep.equal({ info: { message: INVALID }, status: 401 });
    expect(app.errors).to.have.length(0);
  });

  it('as plain middleware passport answers 401 and the key is nowhere in the reply', async () => {
    nock('https://acme.agilecrm.com')
      .get('/dev/api/users/current-user')
      .reply(401, '{"status":"401","exception message":"authentication issue"}');

    const res = await postForm(app, undefined, '/plain');

    expect(res.status).to.equal(401);
    expect(res.text).not.to.include(API_KEY);
    expect(JSON.stringify(res.headers)).not.to.include(API_KEY);
  });
});
