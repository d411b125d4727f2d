import { expect } from 'chai';
import nock from 'nock';
import type { PendingLogin, PendingLoginStore } from '../../lib';
import { withClockAhead } from '../support/clock';
import { useNock } from '../support/nock';
import {
  ACME,
  agentFor,
  authenticateDirectly,
  finishLogin,
  login,
  loginApp,
  makeStrategy,
  mockProfile,
  mockToken,
  startLogin,
} from './support/strategy';

/** A token interceptor that must stay unused: a token request would consume it. */
function forbiddenTokenRequest(): nock.Scope {
  return nock(ACME).post('/oauth/token').reply(200, { access_token: 'never' });
}

describe('state', () => {
  useNock();

  for (const [what, params] of [
    ['missing', { code: 'c' }],
    ['empty', { code: 'c', state: '' }],
    ['wrong', { code: 'c', state: 'not-the-state' }],
    ['__proto__', { code: 'c', state: '__proto__' }],
    ['constructor', { code: 'c', state: 'constructor' }],
    ['hasOwnProperty', { code: 'c', state: 'hasOwnProperty' }],
  ] as const) {
    it(`fails with 403 and makes no token request when the state is ${what}`, async () => {
      const token = forbiddenTokenRequest();
      const agent = agentFor(loginApp(makeStrategy()));
      await startLogin(agent);
      const { status, body } = await finishLogin(agent, params);
      expect(status).to.equal(403);
      expect(body.outcome).to.equal('fail');
      expect(body.info!['message']).to.match(/Invalid or expired login state/);
      expect(token.isDone()).to.equal(false);
    });
  }

  it('fails when the session is gone (no pending login at all)', async () => {
    const token = forbiddenTokenRequest();
    const app = loginApp(makeStrategy());
    const { state } = await startLogin(agentFor(app));
    const { status } = await finishLogin(agentFor(app), { code: 'c', state });
    expect(status).to.equal(403);
    expect(token.isDone()).to.equal(false);
  });

  it('is single use: a replayed callback fails and makes no second token request', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    mockToken();
    mockProfile();
    const first = await login(agent);
    expect(first.body.outcome).to.equal('success');
    const token = forbiddenTokenRequest();
    const replay = await finishLogin(agent, { code: 'auth-code-1', state: first.started.state });
    expect(replay.status).to.equal(403);
    expect(token.isDone()).to.equal(false);
  });

  it('expires after 10 minutes', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const { state } = await startLogin(agent);
    const token = forbiddenTokenRequest();
    const { status } = await withClockAhead(10 * 60 * 1000 + 1, () =>
      finishLogin(agent, { code: 'c', state }),
    );
    expect(status).to.equal(403);
    expect(token.isDone()).to.equal(false);
  });

  it('is still valid just before it expires', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const { state } = await startLogin(agent);
    const token = mockToken();
    mockProfile();
    const { body } = await withClockAhead(10 * 60 * 1000 - 1000, () =>
      finishLogin(agent, { code: 'c', state }),
    );
    expect(body.outcome).to.equal('success');
    expect(token.scope.isDone()).to.equal(true);
  });

  it('lets a login opened in two tabs complete in both, in either order', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const tab1 = await startLogin(agent);
    const tab2 = await startLogin(agent);
    mockToken();
    mockProfile();
    mockToken();
    mockProfile();
    const second = await finishLogin(agent, { code: 'c2', state: tab2.state });
    const first = await finishLogin(agent, { code: 'c1', state: tab1.state });
    expect(second.body.outcome).to.equal('success');
    expect(first.body.outcome).to.equal('success');
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it('keeps at most 10 pending logins per session, dropping the oldest', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const states: string[] = [];
    for (let i = 0; i < 11; i++) states.push((await startLogin(agent)).state);
    const token = forbiddenTokenRequest();
    const oldest = await finishLogin(agent, { code: 'c', state: states[0]! });
    expect(oldest.status).to.equal(403);
    expect(token.isDone()).to.equal(false);
    nock.cleanAll();
    for (const state of [states[1]!, states[10]!]) {
      mockToken();
      mockProfile();
      const { body } = await finishLogin(agent, { code: 'c', state });
      expect(body.outcome).to.equal('success');
    }
  });

  it('uses a store given in the options', async () => {
    const saved: PendingLogin[] = [];
    const store: PendingLoginStore = {
      async save(_req, pending) {
        saved.push(pending);
        return `handle-${saved.length}`;
      },
      async take(_req, handle) {
        return handle === 'handle-1' ? saved[0] : undefined;
      },
    };
    const agent = agentFor(loginApp(makeStrategy({ store })));
    const { state } = await startLogin(agent);
    expect(state).to.equal('handle-1');
    expect(saved[0]!.domain).to.equal('acme');
    expect(saved[0]!.codeVerifier).to.be.a('string');
    mockToken();
    mockProfile();
    const { body } = await finishLogin(agent, { code: 'c', state });
    expect(body.outcome).to.equal('success');
  });

  it('reports a failing store as an error, not a crash', async () => {
    const store: PendingLoginStore = {
      save: () => Promise.reject(new Error('store down')),
      take: () => Promise.reject(new Error('store down')),
    };
    const agent = agentFor(loginApp(makeStrategy({ store })));
    const start = await agent.get('/login');
    expect(start.status).to.equal(500);
    expect(start.body.error.message).to.equal('store down');
    const back = await finishLogin(agent, { code: 'c', state: 'x' });
    expect(back.status).to.equal(500);
    expect(back.body.error!.message).to.equal('store down');
  });

  it('keeps pending logins under sessionKey', async () => {
    const session: Record<string, unknown> = {};
    const strategy = makeStrategy({ sessionKey: 'my-logins' });
    const action = await authenticateDirectly(strategy, { query: {}, session }).first;
    expect(action.kind).to.equal('redirect');
    expect(Object.keys(session)).to.deep.equal(['my-logins']);
  });
});
