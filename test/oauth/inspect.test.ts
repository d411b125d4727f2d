/**
 * Apps log strategies and the objects that hold them (`console.log(passport)`, error reporters
 * that serialize whatever they find). The client secret, which passport-oauth2 keeps in
 * `this._oauth2`, must not show there, while subclasses that call `this._oauth2` keep working.
 */
import { inspect } from 'node:util';
import { expect } from 'chai';
import nock from 'nock';
import { Passport } from 'passport';
import type { Request } from 'express';
import { ApiKeyStrategy, Strategy, type StrategyOptions } from '../../lib';
import { useNock } from '../support/nock';
import {
  ACCESS_TOKEN,
  ACME,
  CLIENT_ID,
  CLIENT_SECRET,
  authenticateDirectly,
  makeStrategy,
  userFromProfile,
} from './support/strategy';

/** Everything a logger could print of `value`. */
function printed(value: unknown): string[] {
  return [
    inspect(value),
    inspect(value, { depth: Infinity, showHidden: true }),
    JSON.stringify(value) ?? '',
    String(value),
  ];
}

function expectNoSecret(value: unknown, secret: string): void {
  const forms = [
    secret,
    encodeURIComponent(secret),
    Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64'),
  ];
  for (const text of printed(value)) {
    for (const form of forms) expect(text).not.to.include(form);
  }
}

/** A subclass written the passport-oauth2 way, calling Agile CRM through `this._oauth2`. */
class LegacySubclass extends Strategy {
  fetchWithOAuth2(url: string, token: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this._oauth2.get(url, token, (err, body) => (err ? reject(err) : resolve(String(body))));
    });
  }

  /** passport-oauth2's OAuth2 declares `_clientSecret` protected; subclasses reach it by name. */
  get oauth2Secret(): unknown {
    return Reflect.get(this._oauth2, '_clientSecret');
  }

  set oauth2Secret(secret: unknown) {
    Reflect.set(this._oauth2, '_clientSecret', secret);
  }

  exchangeWithOAuth2(code: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this._oauth2.getOAuthAccessToken(code, { grant_type: 'authorization_code' }, (err, token) =>
        err ? reject(err) : resolve(String(token)),
      );
    });
  }
}

describe('strategies in logs', () => {
  useNock();

  it('Strategy: util.inspect and JSON.stringify show no client secret', () => {
    const strategy = makeStrategy();
    expectNoSecret(strategy, CLIENT_SECRET);
    expect(inspect(strategy)).to.include("name: 'agilecrm'");
    expect(JSON.stringify(strategy)).to.include(CLIENT_ID);
  });

  it('with client_secret_basic and on a strategy serving several accounts', () => {
    expectNoSecret(makeStrategy({ clientAuthentication: 'client_secret_basic' }), CLIENT_SECRET);
    expectNoSecret(makeStrategy({ domain: undefined }), CLIENT_SECRET);
  });

  it('nor do passport, a per-request copy or a strategy that has run a login', async () => {
    const strategy = makeStrategy();
    const passport = new Passport();
    passport.use(strategy);
    const { first } = authenticateDirectly(strategy, { query: {}, session: {} });
    await first;
    expectNoSecret(passport, CLIENT_SECRET);
    expectNoSecret(Object.create(strategy), CLIENT_SECRET);
    expectNoSecret(strategy, CLIENT_SECRET);
  });

  it('a subclass still gets the secret through this._oauth2.getOAuthAccessToken', async () => {
    const strategy = new LegacySubclass(
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        callbackURL: '/callback',
        domain: 'acme',
      } as StrategyOptions,
      userFromProfile,
    );
    let form = new URLSearchParams();
    nock(ACME)
      .post('/oauth/token')
      .reply(200, (_uri, body) => {
        form = new URLSearchParams(String(body));
        return { access_token: ACCESS_TOKEN };
      });
    expect(await strategy.exchangeWithOAuth2('a-code')).to.equal(ACCESS_TOKEN);
    expect(form.get('client_secret')).to.equal(CLIENT_SECRET);
    expect(form.get('client_id')).to.equal(CLIENT_ID);
    expectNoSecret(strategy, CLIENT_SECRET);
  });

  it('a subclass still calls Agile CRM through this._oauth2.get, also on a per-request copy', async () => {
    const strategy = new LegacySubclass(
      { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, domain: 'acme' } as StrategyOptions,
      userFromProfile,
    );
    nock(ACME)
      .get('/dev/api/users/current-user')
      .query({ access_token: ACCESS_TOKEN })
      .twice()
      .reply(200, '{"id":1}');
    const url = `${ACME}/dev/api/users/current-user`;
    expect(await strategy.fetchWithOAuth2(url, ACCESS_TOKEN)).to.equal('{"id":1}');
    const copy = Object.create(strategy) as LegacySubclass;
    expect(await copy.fetchWithOAuth2(url, ACCESS_TOKEN)).to.equal('{"id":1}');
  });

  it('a subclass may still replace the secret it reads', () => {
    const strategy = new LegacySubclass(
      { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, domain: 'acme' } as StrategyOptions,
      userFromProfile,
    );
    expect(strategy.oauth2Secret).to.equal(CLIENT_SECRET);
    strategy.oauth2Secret = 'rotated-secret';
    expect(strategy.oauth2Secret).to.equal('rotated-secret');
    expectNoSecret(strategy, 'rotated-secret');
  });

  it('ApiKeyStrategy: shows no API key, also after a login ran on it', async () => {
    const apiKey = 'api-key-0f1e2d3c';
    const strategy = new ApiKeyStrategy(async (profile) => ({ id: profile.id }));
    nock(ACME).get('/dev/api/users/current-user').reply(200, '{"id":1,"email":"d@acme.example"}');
    await new Promise<void>((resolve) => {
      const copy = Object.create(strategy) as ApiKeyStrategy & Record<string, unknown>;
      copy['success'] = () => resolve();
      copy['fail'] = copy['error'] = () => resolve();
      copy.authenticate({
        body: { domain: 'acme', email: 'd@acme.example', apiKey },
      } as unknown as Request);
    });
    expectNoSecret(strategy, apiKey);
    const passport = new Passport();
    passport.use(strategy);
    expectNoSecret(passport, apiKey);
  });
});
