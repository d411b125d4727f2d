import { expect } from 'chai';
import nock from 'nock';
import type { AgileCRMProfile } from '../../lib';
import { useNock } from '../support/nock';
import {
  agentFor,
  finishLogin,
  login,
  loginApp,
  makeStrategy,
  mockProfile,
  mockToken,
  startLogin,
  tenantFromQuery,
} from './support/strategy';

const GLOBEX = 'https://globex.agilecrm.com';
const INITECH = 'https://initech.agilecrm.com';

describe('per-request tenant', () => {
  useNock();

  const strategy = makeStrategy({ domain: undefined });

  it('exchanges the code and fetches the profile at the account the login started at', async () => {
    const token = mockToken(GLOBEX);
    const profile = mockProfile(GLOBEX);
    const { body } = await login(agentFor(loginApp(strategy)), '?tenant=Globex');
    expect(token.scope.isDone()).to.equal(true);
    expect(profile.scope.isDone()).to.equal(true);
    expect(body.outcome).to.equal('success');
    expect(body.user).to.include({ domain: 'globex' });
  });

  it('ignores a domain parameter added to the callback', async () => {
    const token = mockToken(GLOBEX);
    mockProfile(GLOBEX);
    const agent = agentFor(loginApp(strategy));
    const { state } = await startLogin(agent, '?tenant=globex');
    const { body } = await finishLogin(agent, { code: 'c', state, domain: 'initech' });
    expect(token.scope.isDone()).to.equal(true);
    expect(body.user).to.include({ domain: 'globex' });
  });

  it('ignores { domain } given to passport.authenticate() on the callback route', async () => {
    // Apps often mount the same options on both routes; the tenant query must not steer the code.
    const app = loginApp(strategy, tenantFromQuery, tenantFromQuery);
    const token = mockToken(GLOBEX);
    mockProfile(GLOBEX);
    const agent = agentFor(app);
    const { state } = await startLogin(agent, '?tenant=globex');
    const res = await agent.get('/callback').query({ code: 'c', state, tenant: 'initech' });
    expect(token.scope.isDone()).to.equal(true);
    expect(res.body.user).to.include({ domain: 'globex' });
  });

  for (const [what, crafted] of [
    ['a made-up handle', 'initech'],
    ['JSON naming an account', JSON.stringify({ domain: 'initech' })],
    ['base64url JSON naming an account', Buffer.from('{"domain":"initech"}').toString('base64url')],
  ]) {
    it(`refuses ${what} as state, sending the code nowhere`, async () => {
      const elsewhere = mockToken(INITECH);
      const home = mockToken(GLOBEX);
      const agent = agentFor(loginApp(strategy));
      await startLogin(agent, '?tenant=globex');
      const { status, body } = await finishLogin(agent, { code: 'c', state: crafted });
      expect(status).to.equal(403);
      expect(body.outcome).to.equal('fail');
      expect(elsewhere.scope.isDone()).to.equal(false);
      expect(home.scope.isDone()).to.equal(false);
    });
  }

  it("refuses a state from another browser's login (login CSRF)", async () => {
    const app = loginApp(strategy);
    const attacker = agentFor(app);
    const victim = agentFor(app);
    const { state } = await startLogin(attacker, '?tenant=initech');
    await startLogin(victim, '?tenant=globex');
    const token = mockToken(INITECH);
    const { status } = await finishLogin(victim, { code: 'attacker-code', state });
    expect(status).to.equal(403);
    expect(token.scope.isDone()).to.equal(false);
  });

  it('keeps two concurrent logins to two accounts apart', async () => {
    const app = loginApp(
      makeStrategy({ domain: undefined }, async (accessToken, _refreshToken, profile) => ({
        domain: profile.domain,
        email: profile.emails?.[0]?.value,
        accessToken,
      })),
    );
    const scopes = [
      // globex answers slowly so that initech's whole login runs inside globex's.
      nock(GLOBEX).post('/oauth/token').delay(150).reply(200, { access_token: 'globex-token' }),
      nock(GLOBEX)
        .get('/dev/api/users/current-user')
        .matchHeader('authorization', 'Bearer globex-token')
        .reply(200, '{"id":1,"email":"a@globex.example"}'),
      nock(INITECH).post('/oauth/token').reply(200, { access_token: 'initech-token' }),
      nock(INITECH)
        .get('/dev/api/users/current-user')
        .matchHeader('authorization', 'Bearer initech-token')
        .reply(200, '{"id":2,"email":"b@initech.example"}'),
    ];
    const a = agentFor(app);
    const b = agentFor(app);
    const [startedA, startedB] = await Promise.all([
      startLogin(a, '?tenant=globex'),
      startLogin(b, '?tenant=initech'),
    ]);
    const [doneA, doneB] = await Promise.all([
      finishLogin(a, { code: 'code-a', state: startedA.state }),
      finishLogin(b, { code: 'code-b', state: startedB.state }),
    ]);
    for (const scope of scopes) expect(scope.isDone()).to.equal(true);
    expect(doneA.body.user).to.deep.equal({
      domain: 'globex',
      email: 'a@globex.example',
      accessToken: 'globex-token',
    });
    expect(doneB.body.user).to.deep.equal({
      domain: 'initech',
      email: 'b@initech.example',
      accessToken: 'initech-token',
    });
  });

  it('keeps two pending logins to two accounts in one session apart', async () => {
    const profiles: AgileCRMProfile[] = [];
    const app = loginApp(
      makeStrategy({ domain: undefined }, async (_a, _r, profile) => {
        profiles.push(profile);
        return { domain: profile.domain };
      }),
    );
    const agent = agentFor(app);
    const toGlobex = await startLogin(agent, '?tenant=globex');
    const toInitech = await startLogin(agent, '?tenant=initech');
    mockToken(INITECH);
    mockProfile(INITECH);
    mockToken(GLOBEX);
    mockProfile(GLOBEX);
    const first = await finishLogin(agent, { code: 'i', state: toInitech.state });
    const second = await finishLogin(agent, { code: 'g', state: toGlobex.state });
    expect(first.body.user).to.deep.equal({ domain: 'initech' });
    expect(second.body.user).to.deep.equal({ domain: 'globex' });
    expect(nock.pendingMocks()).to.deep.equal([]);
  });
});
