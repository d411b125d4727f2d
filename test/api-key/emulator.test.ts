import { expect } from 'chai';
import nock from 'nock';
import request from 'supertest';
import { ApiKeyStrategy } from '../../lib/api-key/strategy';
import type { AgileCRMProfile } from '../../lib/shared/profile';
import { createEmulator, type RunningEmulator } from '../../lib/testing';
import { postForm, startApp, type TestApp } from './support/app';

describe('ApiKeyStrategy against the bundled Agile CRM emulator', () => {
  let emu: RunningEmulator;
  let app: TestApp;
  const profiles: AgileCRMProfile[] = [];

  before(async () => {
    nock.enableNetConnect();
    emu = await createEmulator().listen(0, '127.0.0.1');
    app = await startApp(
      new ApiKeyStrategy({ baseURL: emu.baseURL }, async (profile) => {
        profiles.push(profile);
        return { id: profile.id, name: profile.displayName, domain: profile.domain };
      }),
    );
  });

  after(async () => {
    await app.close();
    await emu.close();
  });

  function login(fields: Record<string, string>): Promise<request.Response> {
    return postForm(app, fields);
  }

  it('logs in with domain, email and API key', async () => {
    const res = await login({ domain: 'demo', email: 'demo@example.com', apiKey: 'demo-api-key' });

    expect(res.body.user).to.deep.equal({
      id: '6263975862861824123',
      name: 'Dana Demo',
      domain: 'demo',
    });
    expect(profiles.at(-1)?.emails).to.deep.equal([{ value: 'demo@example.com' }]);
  });

  it('a wrong key (HTML 401 page) is a failed login', async () => {
    const res = await login({ domain: 'demo', email: 'demo@example.com', apiKey: 'nope' });

    expect(res.body.failed).to.deep.equal({
      info: { message: 'Invalid Agile CRM email or API key' },
      status: 401,
    });
  });

  it('an unknown user (JSON 401) is a failed login', async () => {
    const res = await login({ domain: 'demo', email: 'who@example.com', apiKey: 'demo-api-key' });

    expect(res.body.failed.status).to.equal(401);
  });

  it("another account's key does not open this account", async () => {
    const res = await login({
      domain: 'demo',
      email: 'owner@acme.example',
      apiKey: 'acme-api-key',
    });

    expect(res.body.failed.status).to.equal(401);
  });
});
