import { expect } from 'chai';
import nock from 'nock';
import {
  ACCESS_TOKEN,
  REFRESH_TOKEN,
  agentFor,
  fixture,
  login,
  loginApp,
  makeStrategy,
} from './support/strategy';
import { localServer, type LocalServer } from './support/local-server';

describe('connection reuse (keep-alive)', () => {
  // nock's interception opens a new connection for every request it lets through, so it is
  // switched off here; the only server these tests talk to is the local one.
  before(() => nock.restore());
  after(() => {
    if (!nock.isActive()) nock.activate();
  });

  let server: LocalServer;
  /** Sockets that have answered a request, and whether to reset the next reused one. */
  const served = new WeakSet<object>();
  let resetNextReused = false;
  before(async () => {
    server = await localServer((req, res) => {
      if (resetNextReused && served.has(req.socket)) {
        // What a server closing an idle connection looks like when the client has already sent
        // its next request on it.
        resetNextReused = false;
        req.socket.destroy();
        return;
      }
      served.add(req.socket);
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      // Drain the form body before answering, as a real server does.
      req.resume();
      req.on('end', () => {
        if (path === '/acme/oauth/token') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN }));
        } else if (path === '/acme/dev/api/users/current-user') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(fixture('agilecrm-readme-owner.json'));
        } else {
          res.writeHead(404).end();
        }
      });
    });
  });
  after(() => server.close());

  it('runs several complete logins over one connection to Agile CRM', async () => {
    const strategy = makeStrategy({ baseURL: `${server.url}/{domain}` });
    const agent = agentFor(loginApp(strategy));
    for (let i = 0; i < 4; i++) {
      const { body } = await login(agent, '', `code-${i}`);
      expect(body.outcome).to.equal('success');
    }
    expect(server.requests).to.equal(8);
    expect(server.connections).to.equal(1);
  });

  it('refresh() reuses the open connection too', async () => {
    const strategy = makeStrategy({ baseURL: `${server.url}/{domain}` });
    const connections = server.connections;
    await strategy.refresh(REFRESH_TOKEN);
    await strategy.refresh(REFRESH_TOKEN);
    expect(server.connections).to.equal(connections);
  });

  it('retries once on a fresh connection when the server closed the idle one', async () => {
    const strategy = makeStrategy({ baseURL: `${server.url}/{domain}` });
    await strategy.refresh(REFRESH_TOKEN);
    const connections = server.connections;
    resetNextReused = true;
    const tokens = await strategy.refresh(REFRESH_TOKEN);
    expect(tokens.accessToken).to.equal(ACCESS_TOKEN);
    expect(server.connections).to.equal(connections + 1);
  });
});
