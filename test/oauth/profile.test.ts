import { expect } from 'chai';
import type { AgileCRMProfile } from '../../lib';
import { useNock } from '../support/nock';
import {
  ACCESS_TOKEN,
  SECRETS,
  agentFor,
  fixture,
  login,
  loginApp,
  makeStrategy,
  mockProfile,
  mockToken,
} from './support/strategy';

/** Logs in once against `acme` with the current-user endpoint answering `body`. */
async function profileAfterLogin(body: string): Promise<AgileCRMProfile> {
  const profiles: AgileCRMProfile[] = [];
  const strategy = makeStrategy({}, async (_accessToken, _refreshToken, profile) => {
    profiles.push(profile);
    return { id: profile.id };
  });
  mockToken();
  const { scope } = mockProfile(undefined, body);
  const { body: outcome } = await login(agentFor(loginApp(strategy)));
  expect(outcome.outcome).to.equal('success');
  expect(scope.isDone()).to.equal(true);
  expect(profiles).to.have.length(1);
  return profiles[0]!;
}

describe('profile from the current-user endpoint', () => {
  useNock();

  it("maps Agile CRM README's sample owner", async () => {
    const raw = fixture('agilecrm-readme-owner.json');
    const profile = await profileAfterLogin(raw);
    expect(profile).to.deep.equal({
      provider: 'agilecrm',
      id: '6263975862861824',
      displayName: 'Ghanshyam',
      emails: [{ value: 'ghanshyam.raut@agilecrm.com' }],
      photos: [{ value: 'https://d1gwclp1pmzk26.cloudfront.net/img/gravatar/25.png' }],
      domain: 'acme',
      _raw: raw,
      _json: { ...JSON.parse(raw), id: '6263975862861824' },
    });
  });

  it('keeps the exact digits of a 64-bit id', async () => {
    const profile = await profileAfterLogin(fixture('agilecrm-readme-owner-64bit-id.json'));
    expect(profile.id).to.equal('6263975862861824123');
  });

  it('falls back to the email for displayName and has no photos without pic', async () => {
    const profile = await profileAfterLogin('{"id":5,"email":"no.name@example.com"}');
    expect(profile.displayName).to.equal('no.name@example.com');
    expect(profile).not.to.have.property('photos');
  });

  it('carries no token', async () => {
    const profile = await profileAfterLogin(fixture('agilecrm-readme-owner.json'));
    const text = JSON.stringify(profile);
    for (const secret of SECRETS) expect(text).not.to.include(secret);
  });

  it('is fetched by userProfile() on a strategy with a fixed domain', async () => {
    const { scope, seen } = mockProfile();
    const profile = await new Promise<AgileCRMProfile | undefined>((resolve, reject) =>
      makeStrategy().userProfile(ACCESS_TOKEN, (err, p) => (err ? reject(err) : resolve(p))),
    );
    expect(scope.isDone()).to.equal(true);
    expect(seen[0]!.headers['authorization']).to.equal(`Bearer ${ACCESS_TOKEN}`);
    expect(profile!.domain).to.equal('acme');
  });

  it('userProfile() outside a login needs a fixed domain', async () => {
    const err = await new Promise<unknown>((resolve) =>
      makeStrategy({ domain: undefined }).userProfile(ACCESS_TOKEN, (e) => resolve(e)),
    );
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.match(/needs a fixed domain/);
  });
});
