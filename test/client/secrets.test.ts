import { expect } from 'chai';
import { inspect } from 'node:util';
import nock from 'nock';
import { AgileCRMClient } from '../../lib/client/client';
import { useNock } from '../support/nock';
import { ACCESS_TOKEN, AGILE, API_KEY, EMAIL, apiKeyClient, basic } from './support/client';

const ENCODED = basic(EMAIL, API_KEY).slice('Basic '.length);

function expectClean(text: string): void {
  for (const secret of [API_KEY, ENCODED, ACCESS_TOKEN]) expect(text).not.to.include(secret);
}

function everyText(err: unknown): string {
  const e = err as Error;
  return [
    e.message,
    String(e.stack),
    JSON.stringify(e),
    inspect(e, { depth: Infinity, showHidden: true }),
  ].join('\n');
}

describe('AgileCRMClient: no credential in errors or in the client itself', () => {
  useNock();

  const failures: [string, (scope: nock.Interceptor, sent: string) => nock.Scope][] = [
    ['401', (i) => i.reply(401, '{"status":"401","exception message":"authentication issue"}')],
    ['500', (i) => i.reply(500, '{"status":"500","exception message":"boom"}')],
    [
      'a 400 that echoes the credentials sent',
      (i, sent) =>
        i.reply(
          400,
          JSON.stringify({ status: '400', 'exception message': `bad credentials ${sent}` }),
        ),
    ],
    ['429', (i) => i.reply(429, 'slow down', { 'retry-after': '5' })],
    ['HTML 200', (i) => i.reply(200, '<html>hi</html>', { 'content-type': 'text/html' })],
    ['timeout', (i) => i.delay(500).reply(200, '[]')],
    [
      'reset',
      (i) => i.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    ],
  ];

  for (const [what, reply] of failures) {
    for (const kind of ['apiKey', 'accessToken'] as const) {
      it(`${what} with ${kind} credentials`, async () => {
        const sent = kind === 'apiKey' ? `${API_KEY} ${ENCODED}` : ACCESS_TOKEN;
        reply(nock(AGILE).get('/dev/api/contacts').query(true), sent);
        const client =
          kind === 'apiKey'
            ? apiKeyClient({ timeout: 50 })
            : new AgileCRMClient({ domain: 'acme', accessToken: ACCESS_TOKEN }, { timeout: 50 });

        const error = await client.listContacts().then(
          () => expect.fail('expected a rejection'),
          (err: unknown) => err,
        );

        expect(error).to.be.instanceOf(Error);
        expectClean(everyText(error));
      });
    }
  }

  it('an API key echoed percent-encoded, form-encoded or inside the Basic credential is hidden', async () => {
    const apiKey = 'k3y+/=&x y%"!';
    const echoes = [
      encodeURIComponent(apiKey),
      new URLSearchParams({ k: apiKey }).toString().slice(2),
      Buffer.from(`${EMAIL}:${apiKey}`).toString('base64'),
    ];
    nock(AGILE)
      .get('/dev/api/contacts')
      .query(true)
      .reply(400, {
        status: '400',
        'exception message': `bad key ${echoes.join(' ')}`,
        key: echoes,
      });
    const client = new AgileCRMClient({ domain: 'acme', email: EMAIL, apiKey });

    const error = await client.listContacts().then(
      () => expect.fail('expected a rejection'),
      (err: unknown) => err as Error,
    );

    expect(error.message).to.equal(
      'Agile CRM API request (GET /dev/api/contacts) failed with HTTP 400: bad key [redacted] [redacted] [redacted]',
    );
    const text = everyText(error);
    for (const form of [apiKey, ...echoes]) expect(text).not.to.include(form);
  });

  it('JSON.stringify, util.inspect and String of a client show no credential', () => {
    for (const client of [
      apiKeyClient(),
      new AgileCRMClient({ domain: 'acme', accessToken: ACCESS_TOKEN }),
    ]) {
      expectClean(JSON.stringify(client));
      expectClean(inspect(client, { depth: 5, showHidden: true }));
      expectClean(String(client));
      expect(JSON.stringify(client)).to.include('acme');
    }
  });

  it('constructor errors name the problem, never the value', () => {
    const bad = 'secret\nvalue';
    for (const make of [
      () => new AgileCRMClient({ domain: 'acme', accessToken: bad }),
      () => new AgileCRMClient({ domain: 'acme', email: EMAIL, apiKey: bad }),
      () => new AgileCRMClient({ domain: 'acme', email: bad, apiKey: API_KEY }),
    ]) {
      expect(make).to.throw(TypeError);
      try {
        make();
      } catch (err) {
        expect((err as Error).message).not.to.include('secret');
      }
    }
  });
});
