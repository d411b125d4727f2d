import { expect } from 'chai';
import nock from 'nock';
import { AuthorizationError } from '../../../lib';
import { useNock } from '../../support/nock';
import {
  ACME,
  agentFor,
  authenticateDirectly,
  failureRedirectApp,
  finishLogin,
  loginApp,
  makeStrategy,
  startLogin,
} from '../support/strategy';

describe('errors from the authorization step', () => {
  useNock();

  it("access_denied fails the login and lands on the app's failureRedirect", async () => {
    const agent = agentFor(failureRedirectApp(makeStrategy()));
    const start = await agent.get('/login').expect(302);
    const state = new URL(start.headers['location'] as string).searchParams.get('state')!;
    const res = await agent.get('/callback').query({
      error: 'access_denied',
      error_description: 'The user said no',
      state,
    });
    expect(res.status).to.equal(302);
    expect(res.headers['location']).to.equal('/login-failed');
    expect((await agent.get('/login-failed')).body).to.deep.equal(['The user said no']);
  });

  it('access_denied reports 403 with the description, or a default message', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const { state } = await startLogin(agent);
    const described = await finishLogin(agent, {
      error: 'access_denied',
      error_description: 'The user said no',
      state,
    });
    expect(described.status).to.equal(403);
    expect(described.body).to.deep.equal({
      outcome: 'fail',
      info: { message: 'The user said no' },
    });
    const plain = await finishLogin(agent, { error: 'access_denied' });
    expect(plain.body.info).to.deep.equal({ message: 'Access to Agile CRM was denied.' });
  });

  it('a denied login uses up its state', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const { state } = await startLogin(agent);
    await finishLogin(agent, { error: 'access_denied', state });
    const token = nock(ACME).post('/oauth/token').reply(200, { access_token: 'never' });
    const { status } = await finishLogin(agent, { code: 'c', state });
    expect(status).to.equal(403);
    expect(token.isDone()).to.equal(false);
  });

  it('other error values become an AuthorizationError with code and uri', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const { state } = await startLogin(agent);
    const { status, body } = await finishLogin(agent, {
      error: 'invalid_scope',
      error_description: 'Unknown scope: deals',
      error_uri: 'https://docs.example/errors#invalid_scope',
      state,
    });
    expect(status).to.equal(500);
    expect(body.error).to.include({
      name: 'AuthorizationError',
      message: 'Unknown scope: deals',
      code: 'invalid_scope',
    });
    expect(body.error!.inspected).to.include('https://docs.example/errors#invalid_scope');
  });

  it('an AuthorizationError is the class exported by the package, with a message', async () => {
    const strategy = makeStrategy();
    const action = await authenticateDirectly(strategy, {
      query: { error: 'server_error' },
      session: {},
    }).first;
    expect(action.kind).to.equal('error');
    expect(action.args[0]).to.be.instanceOf(AuthorizationError);
    const err = action.args[0] as AuthorizationError;
    expect(err.code).to.equal('server_error');
    expect(err.status).to.equal(502);
    // Without error_description there is still a message that says what happened.
    expect(err.message).to.equal('Agile CRM refused the login: server_error');
  });

  it('an error parameter that is not a string is a malformed response (400)', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const res = await agent.get('/callback?error=a&error=b');
    expect(res.status).to.equal(400);
    expect(res.body.info.message).to.match(/Malformed authorization response/);
  });
});
