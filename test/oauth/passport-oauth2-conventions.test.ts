/**
 * The passport-oauth2 conventions a subclass or an app may rely on, which the strategy keeps
 * although it runs the login itself: the authorizationParams and tokenParams hooks, a per-call
 * callbackURL, both forms of a skipUserProfile function, and the request's Host.
 */
import { expect } from 'chai';
import supertest from 'supertest';
import { Strategy, type AgileCRMProfile, type StrategyOptions } from '../../lib';
import { useNock } from '../support/nock';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  agentFor,
  finishLogin,
  login,
  loginApp,
  makeStrategy,
  mockProfile,
  mockToken,
  startLogin,
  userFromProfile,
} from './support/strategy';

/** A subclass adding provider parameters, as passport-oauth2 subclasses do. */
class WithHooks extends Strategy {
  override authorizationParams(options: { prompt?: string }): object {
    // A hook may try to set a parameter the flow owns; the flow's value wins.
    return { prompt: options.prompt ?? 'consent', response_type: 'token' };
  }

  override tokenParams(): object {
    return { audience: 'crm', grant_type: 'password', client_id: 'from-hook' };
  }
}

/** A subclass that decorates the profile, calling the strategy's own userProfile first. */
class WithOwnProfile extends Strategy {
  override userProfile(
    accessToken: string,
    done: (err?: unknown, profile?: AgileCRMProfile) => void,
  ): void {
    super.userProfile(accessToken, (err, profile) => {
      if (err || !profile) return done(err);
      done(null, { ...profile, displayName: `${profile.displayName} (decorated)` });
    });
  }
}

function withHooks(): WithHooks {
  const options: StrategyOptions = {
    clientID: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    callbackURL: '/callback',
    domain: 'acme',
  };
  return new WithHooks(options, userFromProfile);
}

describe('passport-oauth2 conventions', () => {
  useNock();

  it("adds a subclass's authorizationParams to the redirect, under the flow's own", async () => {
    const { location } = await startLogin(agentFor(loginApp(withHooks())));
    expect(location.searchParams.get('prompt')).to.equal('consent');
    expect(location.searchParams.getAll('response_type')).to.deep.equal(['code']);
    expect(location.searchParams.get('client_id')).to.equal(CLIENT_ID);
  });

  it('passes the authenticate() options to authorizationParams', async () => {
    const app = loginApp(withHooks(), () => ({ prompt: 'login' }));
    const { location } = await startLogin(agentFor(app));
    expect(location.searchParams.get('prompt')).to.equal('login');
  });

  it("adds a subclass's tokenParams to the token request, under the flow's own", async () => {
    const token = mockToken();
    mockProfile();
    const { body } = await login(agentFor(loginApp(withHooks())));
    expect(body.outcome).to.equal('success');
    const form = token.seen[0]!.form;
    expect(form.get('audience')).to.equal('crm');
    expect(form.getAll('grant_type')).to.deep.equal(['authorization_code']);
    expect(form.getAll('client_id')).to.deep.equal([CLIENT_ID]);
    expect(form.getAll('client_secret')).to.deep.equal([CLIENT_SECRET]);
  });

  it("calls a subclass's userProfile, which may call the strategy's own", async () => {
    mockToken();
    const profileMock = mockProfile();
    const strategy = new WithOwnProfile(
      {
        clientID: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        callbackURL: '/callback',
        domain: 'acme',
      },
      userFromProfile,
    );
    const { body } = await login(agentFor(loginApp(strategy)));
    expect(profileMock.scope.isDone()).to.equal(true);
    expect(body.user?.['displayName']).to.match(/ \(decorated\)$/);
  });

  it('uses a callbackURL given to authenticate() in both halves of the login', async () => {
    const token = mockToken();
    mockProfile();
    const perCall = () => ({ callbackURL: '/other/callback' });
    const app = loginApp(makeStrategy(), perCall, perCall);
    const { started, body } = await login(agentFor(app));
    expect(body.outcome).to.equal('success');
    expect(started.location.searchParams.get('redirect_uri')).to.equal(
      'http://app.test/other/callback',
    );
    expect(token.seen[0]!.form.get('redirect_uri')).to.equal('http://app.test/other/callback');
  });

  it('skips the profile with a skipUserProfile function of the returning form', async () => {
    const asked: unknown[] = [];
    const skip = (accessToken: string) => {
      asked.push(accessToken);
      return true;
    };
    const strategy = makeStrategy(
      { skipUserProfile: skip },
      (_accessToken, _refreshToken, profile, done) => done(null, { profile: profile ?? 'none' }),
    );
    mockToken();
    const { body } = await login(agentFor(loginApp(strategy)));
    expect(body.user).to.deep.equal({ profile: 'none' });
    expect(asked).to.have.length(1);
  });

  it('fails with 400, keeping the pending login, when the Host is no host name', async () => {
    mockToken();
    mockProfile();
    const app = loginApp(makeStrategy());
    const refused = await supertest(app).get('/login').set('Host', '[bad');
    expect(refused.status).to.equal(400);
    expect(refused.body.info.message).to.match(/invalid Host header/);
    expect(refused.headers['location']).to.equal(undefined);

    const agent = agentFor(app);
    const { state } = await startLogin(agent);
    const bad = await agent.get(`/callback?code=c&state=${state}`).set('Host', '[bad').expect(400);
    expect(bad.body.info.message).to.match(/invalid Host header/);
    const { body } = await finishLogin(agent, { code: 'c', state });
    expect(body.outcome).to.equal('success');
  });
});
