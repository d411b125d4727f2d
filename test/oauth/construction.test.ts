import { expect } from 'chai';
import OAuth2Strategy from 'passport-oauth2';
import { Strategy, type StrategyOptions } from '../../lib';
import { CLIENT_ID, CLIENT_SECRET, userFromProfile } from './support/strategy';

function build(options: Record<string, unknown>): Strategy {
  return new Strategy(options as unknown as StrategyOptions, userFromProfile);
}

const valid = { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET };

describe('Strategy construction', () => {
  it("is a passport-oauth2 strategy named 'agilecrm'", () => {
    const strategy = build(valid);
    expect(strategy).to.be.instanceOf(OAuth2Strategy);
    expect(strategy.name).to.equal('agilecrm');
  });

  it('throws a TypeError naming clientID when it is missing or empty', () => {
    expect(() => build({ clientSecret: CLIENT_SECRET })).to.throw(
      TypeError,
      'AgileCRMStrategy requires a clientID option',
    );
    expect(() => build({ ...valid, clientID: '' })).to.throw(TypeError, /clientID/);
  });

  it('throws a TypeError naming clientSecret when it is missing', () => {
    expect(() => build({ clientID: CLIENT_ID })).to.throw(TypeError, /clientSecret option/);
  });

  it('needs an options object and a verify function', () => {
    expect(() => new Strategy(undefined as unknown as StrategyOptions, userFromProfile)).to.throw(
      TypeError,
      /options object/,
    );
    expect(() => new Strategy(valid, undefined as unknown as typeof userFromProfile)).to.throw(
      TypeError,
      /verify callback/,
    );
  });

  it('accepts a valid domain case-insensitively and uses it lowercased', () => {
    const strategy = build({ ...valid, domain: 'AcMe' });
    expect(strategy['_endpoints'].fixedDomain).to.equal('acme');
  });

  for (const bad of [
    'evil.com/x',
    'a.b',
    'acme.agilecrm.com',
    '-acme',
    '',
    'acme-',
    'a'.repeat(64),
  ]) {
    it(`refuses the domain ${JSON.stringify(bad)} with a TypeError`, () => {
      expect(() => build({ ...valid, domain: bad })).to.throw(
        TypeError,
        /AgileCRMStrategy domain option must be an Agile CRM account name/,
      );
    });
  }

  it('refuses a domain that is not a string', () => {
    expect(() => build({ ...valid, domain: 42 })).to.throw(TypeError, /domain option/);
  });

  it('refuses to turn state off', () => {
    expect(() => build({ ...valid, state: false })).to.throw(TypeError, /cannot be turned off/);
    expect(() => build({ ...valid, state: true })).not.to.throw();
  });

  it('checks pkce, timeout and clientAuthentication', () => {
    expect(() => build({ ...valid, pkce: 'S256' })).to.throw(TypeError, /pkce option/);
    for (const timeout of [0, -1, Number.NaN, Infinity, '500'])
      expect(() => build({ ...valid, timeout })).to.throw(TypeError, /timeout option/);
    expect(() => build({ ...valid, clientAuthentication: 'private_key_jwt' })).to.throw(
      TypeError,
      /clientAuthentication/,
    );
  });

  it('refuses URL options that are not absolute http(s) URLs', () => {
    expect(() => build({ ...valid, baseURL: 'acme.agilecrm.com' })).to.throw(
      TypeError,
      /baseURL must be an absolute http\(s\) URL/,
    );
    expect(() => build({ ...valid, tokenURL: 'ftp://{domain}.example/token' })).to.throw(
      TypeError,
      /tokenURL must be an http or https URL/,
    );
    expect(() => build({ ...valid, authorizationURL: 'https://{domain}.example/a#x' })).to.throw(
      TypeError,
      /authorizationURL must not contain a fragment/,
    );
    expect(() => build({ ...valid, profileURL: '' })).to.throw(TypeError, /profileURL/);
    expect(() => build({ ...valid, revokeURL: 7 })).to.throw(TypeError, /revokeURL/);
  });

  it('defaults every endpoint to the account at https://{domain}.agilecrm.com', () => {
    const endpoints = build({ ...valid, domain: 'acme' })['_endpoints'].for('acme');
    expect(endpoints).to.deep.equal({
      authorizationURL: 'https://acme.agilecrm.com/oauth/authorize',
      tokenURL: 'https://acme.agilecrm.com/oauth/token',
      profileURL: 'https://acme.agilecrm.com/dev/api/users/current-user',
      revokeURL: undefined,
    });
  });

  it('expands {domain} in baseURL and in each endpoint override', () => {
    const strategy = build({
      ...valid,
      baseURL: 'http://127.0.0.1:4000/{domain}/',
      tokenURL: 'https://login.example/{domain}/token?tenant={domain}',
      revokeURL: 'https://{domain}.example/revoke',
    });
    expect(strategy['_endpoints'].for('beta')).to.deep.equal({
      authorizationURL: 'http://127.0.0.1:4000/beta/oauth/authorize',
      tokenURL: 'https://login.example/beta/token?tenant=beta',
      profileURL: 'http://127.0.0.1:4000/beta/dev/api/users/current-user',
      revokeURL: 'https://beta.example/revoke',
    });
  });

  it('does not change the options object it is given', () => {
    const options = { ...valid, domain: 'ACME', scope: ['a', 'b'] };
    const copy = structuredClone(options);
    build(options);
    expect(options).to.deep.equal(copy);
  });
});
