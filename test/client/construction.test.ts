import { expect } from 'chai';
import { AgileCRMClient, type AgileCRMCredentials } from '../../lib/client/client';
import { ACCESS_TOKEN, API_KEY, EMAIL } from './support/client';

describe('AgileCRMClient: construction', () => {
  it('takes an access token or an email and API key, and lowercases the account', () => {
    const a = new AgileCRMClient({ domain: 'Acme', accessToken: ACCESS_TOKEN });
    const b = new AgileCRMClient({ domain: 'acme', email: EMAIL, apiKey: API_KEY });
    expect(a.domain).to.equal('acme');
    expect(a.accessToken).to.equal(ACCESS_TOKEN);
    expect(b.accessToken).to.equal(undefined);
  });

  for (const domain of ['evil.com/x', 'a.b', 'acme.agilecrm.com', '-acme', '', undefined]) {
    it(`refuses the domain ${JSON.stringify(domain)} with a TypeError`, () => {
      expect(
        () => new AgileCRMClient({ domain, accessToken: ACCESS_TOKEN } as AgileCRMCredentials),
      ).to.throw(TypeError, /AgileCRMClient domain must be an Agile CRM account name/);
    });
  }

  it('refuses missing, mixed or malformed credentials', () => {
    const cases: unknown[] = [
      undefined,
      null,
      'acme',
      { domain: 'acme' },
      { domain: 'acme', email: EMAIL },
      { domain: 'acme', apiKey: API_KEY },
      { domain: 'acme', email: 'no-at-sign', apiKey: API_KEY },
      { domain: 'acme', email: EMAIL, apiKey: '' },
      { domain: 'acme', accessToken: '' },
      { domain: 'acme', accessToken: 'has space' },
      { domain: 'acme', accessToken: 42 },
      { domain: 'acme', accessToken: ACCESS_TOKEN, email: EMAIL, apiKey: API_KEY },
    ];
    for (const credentials of cases) {
      expect(
        () => new AgileCRMClient(credentials as AgileCRMCredentials),
        JSON.stringify(credentials),
      ).to.throw(TypeError);
    }
  });

  it('checks baseURL, timeout and onUnauthorized', () => {
    const credentials = { domain: 'acme', accessToken: ACCESS_TOKEN };
    expect(() => new AgileCRMClient(credentials, { baseURL: 'nope' })).to.throw(
      TypeError,
      /baseURL/,
    );
    expect(() => new AgileCRMClient(credentials, { baseURL: 'file:///{domain}' })).to.throw(
      TypeError,
      /baseURL/,
    );
    for (const timeout of [0, -5, Number.NaN, Infinity]) {
      expect(() => new AgileCRMClient(credentials, { timeout })).to.throw(TypeError, /timeout/);
    }
    expect(() => new AgileCRMClient(credentials, null as never)).to.throw(TypeError, /options/);
    expect(() => new AgileCRMClient(credentials, { onUnauthorized: 'refresh' as never })).to.throw(
      TypeError,
      /onUnauthorized must be a function/,
    );
  });

  it('does not change the objects it is given', () => {
    const credentials = Object.freeze({ domain: 'Acme', accessToken: ACCESS_TOKEN });
    const options = Object.freeze({ baseURL: 'http://127.0.0.1:1/{domain}', timeout: 50 });
    new AgileCRMClient(credentials, options);
    expect(credentials).to.deep.equal({ domain: 'Acme', accessToken: ACCESS_TOKEN });
    expect(options).to.deep.equal({ baseURL: 'http://127.0.0.1:1/{domain}', timeout: 50 });
  });
});
