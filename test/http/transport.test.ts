import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import nock from 'nock';
import { AgileCRMRequestError } from '../../lib';
import { MAX_BODY_BYTES, send, type HttpRequest } from '../../lib/http/transport';

const request: HttpRequest = {
  method: 'POST',
  url: 'https://acme.agilecrm.com/oauth/token?x=1',
  headers: { 'content-type': 'text/plain' },
  body: 'héllo',
  timeout: 5000,
  label: 'token request',
};

async function rejection(promise: Promise<unknown>): Promise<AgileCRMRequestError> {
  try {
    await promise;
  } catch (err) {
    return err as AgileCRMRequestError;
  }
  throw new Error('expected a rejection');
}

describe('transport', () => {
  before(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('sends the body with its byte length and answers status, headers and body', async () => {
    let length: string | undefined;
    const scope = nock('https://acme.agilecrm.com')
      .post('/oauth/token', 'héllo')
      .query({ x: '1' })
      .reply(function () {
        length = this.req.headers['content-length'];
        return [201, 'ok', { 'x-test': 'yes' }];
      });
    const response = await send(request);
    expect(scope.isDone()).to.equal(true);
    expect(length).to.equal('6');
    expect(response.status).to.equal(201);
    expect(response.headers['x-test']).to.equal('yes');
    expect(response.body).to.equal('ok');
  });

  for (const [code, text] of [
    ['ENOTFOUND', 'host not found'],
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['EPIPE', 'EPIPE'],
  ]) {
    it(`names ${code} in the message and keeps the cause`, async () => {
      nock('https://acme.agilecrm.com')
        .post('/oauth/token')
        .query(true)
        .replyWithError(Object.assign(new Error(`${code} details`), { code }));
      const err = await rejection(send(request));
      expect(err).to.be.instanceOf(AgileCRMRequestError);
      expect(err.reason).to.equal('network');
      // The query string is left out: it can carry secrets.
      expect(err.message).to.equal(
        `Agile CRM token request to https://acme.agilecrm.com/oauth/token failed: ${text}`,
      );
      expect((err.cause as NodeJS.ErrnoException).code).to.equal(code);
    });
  }

  it('uses the error message when the error has no code', async () => {
    nock('https://acme.agilecrm.com').post('/oauth/token').query(true).replyWithError('weird');
    const err = await rejection(send(request));
    expect(err.message).to.match(/failed: weird$/);
  });

  it('handles a timeout beyond what setTimeout can hold (about 24.8 days)', async () => {
    // Node turns a delay over 2^31-1 milliseconds into 1, which would time out every request at
    // once.
    nock('https://acme.agilecrm.com').post('/oauth/token').query(true).delay(20).reply(200, 'ok');
    const response = await send({ ...request, timeout: 2 ** 32 });
    expect(response.body).to.equal('ok');
  });

  it('accepts a body of exactly the cap', async () => {
    nock('https://acme.agilecrm.com')
      .post('/oauth/token')
      .query(true)
      .reply(200, 'x'.repeat(MAX_BODY_BYTES));
    expect((await send(request)).body).to.have.length(MAX_BODY_BYTES);
  });

  describe('against a local server', () => {
    // nock's interception bypasses agents, so it is off for these.
    before(() => nock.restore());
    after(() => {
      if (!nock.isActive()) nock.activate();
    });

    it('uses the agent it is given', async () => {
      const server = http.createServer((_req, res) => res.end('via agent'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const agent = new http.Agent();
      let created = 0;
      const createConnection = agent.createConnection.bind(agent);
      agent.createConnection = ((...args: Parameters<typeof createConnection>) => {
        created++;
        return createConnection(...args);
      }) as typeof agent.createConnection;
      try {
        const response = await send({
          ...request,
          method: 'GET',
          body: undefined,
          url: `http://127.0.0.1:${port}/x`,
          agent,
        });
        expect(response.body).to.equal('via agent');
        expect(created).to.equal(1);
      } finally {
        agent.destroy();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('reaches the path, query and credentials of each URL, over many different URLs', async () => {
      const server = http.createServer((req, res) => {
        res.end(`${req.url ?? ''} ${req.headers.authorization ?? '-'}`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const get = (url: string) => send({ ...request, method: 'GET', body: undefined, url });
      try {
        // More URLs than the transport keeps parsed, then the first ones again.
        const paths = Array.from({ length: 150 }, (_, i) => `/page/${i}?cursor=c${i}`);
        for (const path of [...paths, ...paths.slice(0, 5)]) {
          const response = await get(`http://127.0.0.1:${port}${path}`);
          expect(response.body).to.equal(`${path} -`);
        }
        const basic = `Basic ${Buffer.from('a@b.test:k:y').toString('base64')}`;
        const withUser = await get(`http://a%40b.test:k%3Ay@127.0.0.1:${port}/me`);
        expect(withUser.body).to.equal(`/me ${basic}`);
        const withoutUser = await get(`http://127.0.0.1:${port}/me`);
        expect(withoutUser.body).to.equal('/me -');
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    describe('request head', () => {
      /** A TCP server that records each request's head and answers 200 with an empty body. */
      async function headRecorder(host: string) {
        const heads: string[] = [];
        const server = net.createServer((socket) => {
          let text = '';
          socket.on('data', (chunk: Buffer) => {
            text += chunk.toString('latin1');
            const end = text.indexOf('\r\n\r\n');
            if (end === -1) return;
            heads.push(text.slice(0, end));
            text = '';
            socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
          });
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, host, resolve);
        });
        const { port } = server.address() as AddressInfo;
        const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
        return { heads, port, server, close };
      }

      /** The head Node writes for the same request given as a URL and a header object. */
      function nodeRequest(
        url: string,
        method: string,
        headers: Record<string, string>,
        body?: string,
      ) {
        const target = new URL(url);
        return new Promise<void>((resolve, reject) => {
          const req = http.request(
            target,
            {
              method,
              agent: keepAlive,
              headers:
                body === undefined
                  ? headers
                  : { ...headers, 'content-length': Buffer.byteLength(body) },
            },
            (res) => res.resume().on('end', resolve),
          );
          req.on('error', reject);
          req.end(body);
        });
      }

      /** Request line, then header lines with lower-case names, sorted: the order may differ. */
      function normalized(head: string): string[] {
        const [line, ...headers] = head.split('\r\n');
        const lines = headers.map((h) => {
          const colon = h.indexOf(':');
          return `${h.slice(0, colon).toLowerCase()}:${h.slice(colon + 1)}`;
        });
        return [line!, ...lines.sort()];
      }

      const keepAlive = new http.Agent({ keepAlive: true });

      for (const loopback of ['127.0.0.1', '::1']) {
        it(`writes the head Node writes for the same options (${loopback})`, async function () {
          let recorder: Awaited<ReturnType<typeof headRecorder>>;
          try {
            recorder = await headRecorder(loopback);
          } catch {
            this.skip();
          }
          const origin = `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${recorder.port}`;
          const cases: Array<[string, string, Record<string, string>, string | undefined]> = [
            [
              'GET',
              `${origin}/dev/api/users/current-user?x=1`,
              { accept: 'application/json', authorization: 'Bearer t' },
              undefined,
            ],
            [
              'POST',
              `${origin}/oauth/token`,
              { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
              'a=h%C3%A9llo&b=%E2%82%AC',
            ],
            ['POST', `${origin}/oauth/token`, { 'content-type': 'text/plain' }, 'héllo €'],
            [
              'GET',
              `http://a%40b.test:k%3Ay@${origin.slice(7)}/me`,
              { accept: 'application/json' },
              undefined,
            ],
            [
              'GET',
              `http://user:pass@${origin.slice(7)}/me`,
              { authorization: 'Bearer wins' },
              undefined,
            ],
          ];
          try {
            for (const [method, url, headers, body] of cases) {
              await nodeRequest(url, method, headers, body);
              await send({
                method,
                url,
                headers,
                body,
                timeout: 5000,
                label: 'test',
                agent: keepAlive,
              });
              const [expected, actual] = recorder.heads.splice(0, 2);
              expect(normalized(actual!), `${method} ${url}`).to.deep.equal(normalized(expected!));
            }
          } finally {
            keepAlive.destroy();
            await recorder.close();
          }
        });
      }
    });
  });

  it('throws a TypeError for a URL that does not parse, every time', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => send({ ...request, url: 'not a url' })).to.throw(TypeError);
    }
  });
});
