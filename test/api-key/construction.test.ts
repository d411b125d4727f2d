import { expect } from 'chai';
import { Strategy as PassportStrategy } from 'passport-strategy';
import { ApiKeyStrategy } from '../../lib/api-key/strategy';
import type { ApiKeyVerifyFunction } from '../../lib/api-key/verify';

const verify: ApiKeyVerifyFunction = async (profile) => ({ id: profile.id });

describe('ApiKeyStrategy: construction', () => {
  it("is a passport-strategy Strategy named 'agilecrm-apikey'", () => {
    const strategy = new ApiKeyStrategy(verify);
    expect(strategy).to.be.instanceOf(PassportStrategy);
    expect(strategy.name).to.equal('agilecrm-apikey');
  });

  it('takes the options argument or not', () => {
    expect(new ApiKeyStrategy({}, verify).name).to.equal('agilecrm-apikey');
    expect(new ApiKeyStrategy({ domain: 'acme' }, verify).name).to.equal('agilecrm-apikey');
  });

  it('requires a verify function', () => {
    expect(() => new ApiKeyStrategy({} as never)).to.throw(TypeError, /requires a verify callback/);
    expect(() => new ApiKeyStrategy(null as never, verify)).to.throw(TypeError, /options/);
  });

  for (const domain of ['evil.com/x', 'a.b', 'acme.agilecrm.com', '-acme', '']) {
    it(`refuses the domain option ${JSON.stringify(domain)}`, () => {
      expect(() => new ApiKeyStrategy({ domain }, verify)).to.throw(
        TypeError,
        /ApiKeyStrategy domain option must be an Agile CRM account name/,
      );
    });
  }

  it('checks baseURL and profileURL', () => {
    expect(() => new ApiKeyStrategy({ baseURL: 'not a url' }, verify)).to.throw(
      TypeError,
      /ApiKeyStrategy baseURL/,
    );
    expect(() => new ApiKeyStrategy({ profileURL: 'ftp://x/{domain}' }, verify)).to.throw(
      TypeError,
      /ApiKeyStrategy profileURL must be an http or https URL/,
    );
  });

  it('checks the field names and the timeout', () => {
    expect(() => new ApiKeyStrategy({ apiKeyField: '' }, verify)).to.throw(
      TypeError,
      /apiKeyField/,
    );
    expect(() => new ApiKeyStrategy({ emailField: 3 as never }, verify)).to.throw(
      TypeError,
      /emailField/,
    );
    for (const timeout of [0, -1, Number.NaN, Infinity, '5' as never]) {
      expect(() => new ApiKeyStrategy({ timeout }, verify)).to.throw(TypeError, /timeout/);
    }
  });

  it('does not change the options object it is given', () => {
    const options = Object.freeze({ domain: 'Acme', baseURL: 'http://127.0.0.1:1/{domain}' });
    new ApiKeyStrategy(options, verify);
    expect(options).to.deep.equal({ domain: 'Acme', baseURL: 'http://127.0.0.1:1/{domain}' });
  });
});
