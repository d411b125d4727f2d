/**
 * Anyone can send a browser to `/callback?error=access_denied&error_description=...`. The text
 * of such a link must not become the failure message the app shows (`failureMessage: true` puts
 * it in `req.session.messages`) unless the callback's state names a login this session started;
 * even then it is cut to 200 characters without control characters.
 */
import { expect } from 'chai';
import supertest from 'supertest';
import { AuthorizationError, type PendingLogin, type PendingLoginStore } from '../../../lib';
import { useNock } from '../../support/nock';
import {
  agentFor,
  authenticateDirectly,
  errorOf,
  failureRedirectApp,
  finishLogin,
  loginApp,
  makeStrategy,
  startLogin,
} from '../support/strategy';

const DENIED = 'Access to Agile CRM was denied.';
const HUGE = `Your account was suspended, call +1 555 0100 now. ${'x'.repeat(4096)}`;

describe('the failure message of an error callback', () => {
  useNock();

  it('is the fixed message for a link with no state, however long its description', async () => {
    const agent = agentFor(failureRedirectApp(makeStrategy()));
    const res = await agent
      .get('/callback')
      .query({ error: 'access_denied', error_description: HUGE });
    expect(res.status).to.equal(302);
    const messages = await agent.get('/login-failed');
    expect(messages.body).to.deep.equal([DENIED]);
  });

  for (const [what, state] of [
    ['a forged state', 'forged-state-value'],
    ['an empty state', ''],
  ] as const) {
    it(`is the fixed message with ${what}`, async () => {
      const agent = agentFor(loginApp(makeStrategy()));
      await startLogin(agent);
      const { status, body } = await finishLogin(agent, {
        error: 'access_denied',
        error_description: 'Attacker text',
        state,
      });
      expect(status).to.equal(403);
      expect(body.info).to.deep.equal({ message: DENIED });
    });
  }

  it("is the fixed message with another session's state", async () => {
    const app = loginApp(makeStrategy());
    const { state } = await startLogin(agentFor(app));
    const { body } = await finishLogin(agentFor(app), {
      error: 'access_denied',
      error_description: 'Attacker text',
      state,
    });
    expect(body.info).to.deep.equal({ message: DENIED });
  });

  it('is the fixed message with a state already used', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const { state } = await startLogin(agent);
    await finishLogin(agent, { error: 'access_denied', state });
    const { body } = await finishLogin(agent, {
      error: 'access_denied',
      error_description: 'Attacker text',
      state,
    });
    expect(body.info).to.deep.equal({ message: DENIED });
  });

  it("is Agile CRM's description, cut to 200 characters without controls, for a pending login", async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const { state } = await startLogin(agent);
    const description = `The user\r\nsaid\u0000 no\u202e. ${'y'.repeat(400)}`;
    const { status, body } = await finishLogin(agent, {
      error: 'access_denied',
      error_description: description,
      state,
    });
    expect(status).to.equal(403);
    const message = body.info!['message'] as string;
    // Each run of control characters becomes one space.
    expect(message.startsWith('The user said  no . yyy'), message).to.equal(true);
    expect(Array.from(message)).to.have.length(201);
    expect(message.endsWith('…')).to.equal(true);
    expect(message).not.to.match(/[\p{Cc}\u202e]/u);
  });

  it('is a fixed AuthorizationError message for other error values without a pending login', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const { status, body } = await finishLogin(agent, {
      error: 'server_error',
      error_description: HUGE,
      error_uri: 'https://evil.example/phish',
    });
    expect(status).to.equal(500);
    expect(body.error).to.include({
      name: 'AuthorizationError',
      message: 'Agile CRM refused the login: server_error',
      code: 'server_error',
    });
    expect(body.error!.inspected).not.to.include('evil.example');
    expect(body.error!.inspected).not.to.include('suspended');
  });

  it('names no unknown error code that a link made up', async () => {
    const strategy = makeStrategy();
    const invented = `call_us_now\r\n${'z'.repeat(300)}`;
    const err = errorOf(
      await authenticateDirectly(strategy, { query: { error: invented }, session: {} }).first,
    );
    expect(err).to.be.instanceOf(AuthorizationError);
    expect(err.message).to.equal('Agile CRM refused the login.');
    expect(String(err['code'])).not.to.match(/[\r\n]/);
    expect(String(err['code']).length).to.be.at.most(64);
  });

  it('keeps the description and error_uri of other errors for a pending login', async () => {
    const agent = agentFor(loginApp(makeStrategy()));
    const { state } = await startLogin(agent);
    const { body } = await finishLogin(agent, {
      error: 'invalid_scope',
      error_description: 'Unknown scope: deals',
      error_uri: 'https://docs.example/errors#invalid_scope',
      state,
    });
    expect(body.error).to.include({ message: 'Unknown scope: deals', code: 'invalid_scope' });
    expect(body.error!.inspected).to.include('https://docs.example/errors#invalid_scope');
  });

  it('works the same with any PendingLoginStore', async () => {
    const logins = new Map<string, PendingLogin>();
    const store: PendingLoginStore = {
      async save(_req, login) {
        const handle = `handle-${logins.size}`;
        logins.set(handle, login);
        return handle;
      },
      async take(_req, handle) {
        const login = logins.get(handle);
        logins.delete(handle);
        return login;
      },
    };
    const app = loginApp(makeStrategy({ store }));
    const { state } = await startLogin(agentFor(app));
    const trusted = await supertest(app)
      .get('/callback')
      .set('Host', 'app.test')
      .query({ error: 'access_denied', error_description: 'The user said no', state });
    expect(trusted.body.info).to.deep.equal({ message: 'The user said no' });
    const untrusted = await supertest(app)
      .get('/callback')
      .set('Host', 'app.test')
      .query({ error: 'access_denied', error_description: 'Attacker text', state: 'handle-9' });
    expect(untrusted.body.info).to.deep.equal({ message: DENIED });
  });

  it('is the fixed message when the store fails, by rejecting or by throwing', async () => {
    const failures: PendingLoginStore['take'][] = [
      async () => {
        throw new Error('store down');
      },
      () => {
        throw new Error('store down');
      },
    ];
    for (const take of failures) {
      const store: PendingLoginStore = { save: async () => 'handle', take };
      const { body } = await finishLogin(agentFor(loginApp(makeStrategy({ store }))), {
        error: 'access_denied',
        error_description: 'Attacker text',
        state: 'handle',
      });
      expect(body.info).to.deep.equal({ message: DENIED });
    }
  });
});
