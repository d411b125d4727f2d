import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect } from 'chai';
import { OAuth2 } from 'oauth';
import { AgileCRMRequestError, type AgileCRMProfile } from '../../../lib';
import { useNock } from '../../support/nock';
import {
  ACCESS_TOKEN,
  REFRESH_TOKEN,
  callbackDirectly,
  errorOf,
  expectNoSecrets,
  makeStrategy,
  type Action,
} from '../support/strategy';
import { localServer, refusedPort, type LocalServer } from '../support/local-server';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const TOKEN_BODY = JSON.stringify({ access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN });

function answerToken(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(TOKEN_BODY);
}

/** An Agile CRM stand-in: the token endpoint answers normally unless `token` is given. */
function agileCRM(profile: Handler, token: Handler = (_req, res) => answerToken(res)): Handler {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/acme/oauth/token') token(req, res);
    else if (path === '/acme/dev/api/users/current-user') profile(req, res);
    else res.writeHead(404).end();
  };
}

describe('transport failures', () => {
  useNock();

  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Runs a callback against `handler`; resolves with the first action and all actions taken. */
  async function callbackAgainst(
    handler: Handler,
    timeout = 10_000,
  ): Promise<{ action: Action; actions: Action[] }> {
    server = await localServer(handler);
    const strategy = makeStrategy({ baseURL: `${server.url}/{domain}`, timeout });
    const { first, actions } = await callbackDirectly(strategy);
    return { action: await first, actions };
  }

  it('a token endpoint that never answers: one error saying it timed out after N ms', async () => {
    const { action, actions } = await callbackAgainst(
      agileCRM(
        () => undefined,
        () => undefined,
      ),
      300,
    );
    const err = errorOf(action);
    expect(err).to.be.instanceOf(AgileCRMRequestError);
    expect(err['reason']).to.equal('timeout');
    expect(err['code']).to.equal('AGILECRM_REQUEST_ERROR');
    expect(err.message).to.equal(
      `Agile CRM token request to ${server!.url}/acme/oauth/token timed out after 300 ms`,
    );
    expectNoSecrets(err);
    // The request was abandoned; nothing more arrives once its connection is gone.
    await server!.allClosed();
    expect(actions).to.have.length(1);
  });

  it('a profile body that stalls half way: one timeout error', async () => {
    const { action, actions } = await callbackAgainst(
      agileCRM((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"id": 62639758628618');
      }),
      400,
    );
    const err = errorOf(action);
    expect(err).to.be.instanceOf(AgileCRMRequestError);
    expect(err.message).to.match(/^Agile CRM profile request to .* timed out after 400 ms$/);
    expectNoSecrets(err);
    await server!.allClosed();
    expect(actions).to.have.length(1);
  });

  it('a refused connection: one error saying so', async () => {
    const port = await refusedPort();
    const strategy = makeStrategy({ baseURL: `http://127.0.0.1:${port}/{domain}` });
    const { first, actions } = await callbackDirectly(strategy);
    const err = errorOf(await first);
    expect(err).to.be.instanceOf(AgileCRMRequestError);
    expect(err['reason']).to.equal('network');
    expect(err.message).to.equal(
      `Agile CRM token request to http://127.0.0.1:${port}/acme/oauth/token failed: connection refused`,
    );
    expectNoSecrets(err);
    expect(actions).to.have.length(1);
  });

  it('a connection reset before any answer: one error saying so', async () => {
    const { action, actions } = await callbackAgainst(
      agileCRM(
        () => undefined,
        (req) => req.socket.destroy(),
      ),
    );
    const err = errorOf(action);
    expect(err).to.be.instanceOf(AgileCRMRequestError);
    expect(err.message).to.match(/token request to .* failed: connection reset$/);
    expectNoSecrets(err);
    await server!.allClosed();
    expect(actions).to.have.length(1);
  });

  it('a connection reset in the middle of the profile body: one error', async () => {
    const { action, actions } = await callbackAgainst(
      agileCRM((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"id": 1, "name": "', () => req.socket.destroy());
      }),
    );
    const err = errorOf(action);
    expect(err).to.be.instanceOf(AgileCRMRequestError);
    expect(err['reason']).to.equal('network');
    expect(err.message).to.match(/profile request to .* failed: /);
    expectNoSecrets(err);
    await server!.allClosed();
    expect(actions).to.have.length(1);
  });

  describe('a body over 1 MiB', () => {
    const big = JSON.stringify({ id: 1, name: 'x'.repeat(1024 * 1024) });

    it('is refused when its Content-Length says so', async () => {
      const { action, actions } = await callbackAgainst(
        agileCRM((_req, res) => {
          res
            .writeHead(200, {
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(big)),
            })
            .end(big);
        }),
      );
      const err = errorOf(action);
      expect(err).to.be.instanceOf(AgileCRMRequestError);
      expect(err['reason']).to.equal('too_large');
      expect(err.message).to.match(
        /profile request to .* failed: the response exceeded 1048576 bytes$/,
      );
      await server!.allClosed();
      expect(actions).to.have.length(1);
    });

    it('is cut off while streaming when it has no Content-Length', async () => {
      let written = 0;
      const { action, actions } = await callbackAgainst(
        agileCRM((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(64 * 1024, 'x');
          // Keeps writing until the client hangs up; far beyond the cap if it never does.
          const pump = (): void => {
            while (written < 16 * 1024 * 1024 && !res.destroyed) {
              written += chunk.length;
              if (!res.write(chunk)) {
                res.once('drain', pump);
                return;
              }
            }
            res.end();
          };
          pump();
        }),
      );
      const err = errorOf(action);
      expect(err['reason']).to.equal('too_large');
      await server!.allClosed();
      expect(written).to.be.below(16 * 1024 * 1024);
      expect(actions).to.have.length(1);
    });
  });

  describe('UTF-8 split across chunks', () => {
    const name = 'Zoë Ångström €uro 😀';
    const body = Buffer.from(JSON.stringify({ id: 7, name }));
    // Cut inside the 4-byte emoji: its first two bytes end one chunk, its last two start the next.
    const cut = body.indexOf(Buffer.from('😀')) + 2;

    /** Writes the body in two chunks, the second after the client has received the first. */
    const splitting: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.write(body.subarray(0, cut), () => setTimeout(() => res.end(body.subarray(cut)), 50));
    };

    it('decodes the name correctly', async () => {
      let profile: AgileCRMProfile | undefined;
      server = await localServer(agileCRM(splitting));
      const strategy = makeStrategy(
        { baseURL: `${server.url}/{domain}` },
        async (_accessToken, _refreshToken, p) => {
          profile = p;
          return { id: p.id };
        },
      );
      const { first } = await callbackDirectly(strategy);
      expect((await first).kind).to.equal('success');
      expect(profile!.displayName).to.equal(name);
      expect(profile!._raw).to.equal(body.toString('utf8'));
    });

    it('(node-oauth, which passport-oauth2 uses, corrupts the same response)', async () => {
      server = await localServer(agileCRM(splitting));
      const oauth = new OAuth2('id', 'secret', '', '', '');
      const text = await new Promise<string>((resolve, reject) =>
        oauth.get(`${server!.url}/acme/dev/api/users/current-user`, 'token', (err, result) =>
          err ? reject(new Error(JSON.stringify(err))) : resolve(String(result)),
        ),
      );
      expect(text).to.include('\uFFFD');
      expect(text).not.to.include('😀');
    });
  });
});
