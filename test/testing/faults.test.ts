import { expect } from 'chai';
import { createEmulator, type FaultKind, type RunningEmulator } from '../../lib/testing/index';
import {
  approvedCode,
  CALLBACK,
  DEMO_BASIC,
  login,
  postCredentials,
  postForm,
  rawRequest,
  type RawResult,
} from './support/emulator';

const HEADERS = { authorization: DEMO_BASIC, accept: 'application/json' };

function bodyOf(result: RawResult): string {
  return Buffer.concat(result.chunks).toString('utf8');
}

describe('emulator fault injection', () => {
  let emu: RunningEmulator;
  let currentUserURL: string;
  before(async () => {
    emu = await createEmulator().listen();
    currentUserURL = `${emu.url}/demo/dev/api/users/current-user`;
  });
  afterEach(() => emu.clearFaults());
  after(() => emu.close());

  const fetchUser = (timeoutMs?: number) =>
    rawRequest(currentUserURL, { headers: HEADERS, ...(timeoutMs ? { timeoutMs } : {}) });

  it('hang: accepts the request and never answers', async () => {
    emu.fault('current-user', 'hang', 1);
    const result = await fetchUser(300);
    expect(result.error?.code).to.equal('TIMEOUT');
    expect(result.status).to.equal(undefined);
    expect((await fetchUser()).status).to.equal(200);
  });

  it('reset: destroys the connection before answering', async () => {
    emu.fault('current-user', 'reset', 1);
    const result = await fetchUser();
    expect(result.status).to.equal(undefined);
    expect(result.error?.code).to.equal('ECONNRESET');
  });

  it('reset-mid-body: sends headers and part of the body, then closes', async () => {
    emu.fault('current-user', 'reset-mid-body', 1);
    const result = await fetchUser();
    expect(result.status).to.equal(200);
    expect(result.complete).to.equal(false);
    expect(result.error).to.not.equal(undefined);
    const promised = Number(result.headers?.['content-length']);
    const received = Buffer.concat(result.chunks).length;
    expect(received).to.be.above(0).and.below(promised);
    expect(bodyOf(result)).to.match(/^\{"id":6263975862861824123,/);
  });

  it("status-500: Agile CRM's server error body", async () => {
    emu.fault('current-user', 'status-500', 1);
    const result = await fetchUser();
    expect(result.status).to.equal(500);
    expect(bodyOf(result)).to.equal('{"status":"500","exception message":"Internal error"}');
  });

  it('quota: a 500 saying the daily call limit is exceeded', async () => {
    emu.fault('current-user', 'quota', 1);
    const result = await fetchUser();
    expect(result.status).to.equal(500);
    const body = JSON.parse(bodyOf(result)) as Record<string, string>;
    expect(body['status']).to.equal('500');
    expect(body['exception message']).to.match(/exceeded the 500 calls per\/day limit/);
  });

  it('rate-limit: 429 with Retry-After: 3', async () => {
    emu.fault('current-user', 'rate-limit', 1);
    const result = await fetchUser();
    expect(result.status).to.equal(429);
    expect(result.headers?.['retry-after']).to.equal('3');
  });

  it('html: an HTML 502 page', async () => {
    emu.fault('current-user', 'html', 1);
    const result = await fetchUser();
    expect(result.status).to.equal(502);
    expect(result.headers?.['content-type']).to.match(/^text\/html/);
    expect(bodyOf(result)).to.contain('<title>502 Bad Gateway</title>');
  });

  it('truncated-json: 200 with JSON cut off', async () => {
    emu.fault('current-user', 'truncated-json', 1);
    const result = await fetchUser();
    expect(result.status).to.equal(200);
    expect(result.complete).to.equal(true);
    const body = bodyOf(result);
    expect(body).to.match(/^\{"id":6263975862861824123,/);
    expect(() => JSON.parse(body)).to.throw(SyntaxError);
  });

  it('oversize: 200 with a 2 MiB body', async () => {
    emu.fault('current-user', 'oversize', 1);
    const result = await fetchUser();
    expect(result.status).to.equal(200);
    const body = Buffer.concat(result.chunks);
    expect(body.length).to.equal(2 * 1024 * 1024);
    expect(JSON.parse(body.toString('utf8'))).to.have.property('padding');
  });

  it('split-utf8: valid JSON with multi-byte characters, in chunks that split characters', async () => {
    emu.fault('current-user', 'split-utf8', 1);
    const result = await fetchUser();
    expect(result.status).to.equal(200);
    expect(result.chunks.length).to.be.above(1);
    const splitsCharacter = result.chunks.some((chunk) => {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(chunk);
        return false;
      } catch {
        return true;
      }
    });
    expect(splitsCharacter).to.equal(true);
    const user = JSON.parse(bodyOf(result)) as { name: string };
    expect(user.name).to.equal('Zoë 山田 🚀');
    expect(bodyOf(result)).to.match(/^\{"id":6263975862861824123,/);
  });

  it('split-utf8 still checks credentials', async () => {
    emu.fault('current-user', 'split-utf8', 1);
    const result = await rawRequest(currentUserURL, { headers: { accept: 'application/json' } });
    expect(result.status).to.equal(401);
  });

  it('applies a fault `times` times, then answers normally; without times, every time', async () => {
    emu.fault('current-user', 'status-500', 2);
    expect((await fetchUser()).status).to.equal(500);
    expect((await fetchUser()).status).to.equal(500);
    expect((await fetchUser()).status).to.equal(200);
    emu.fault('current-user', 'rate-limit');
    for (let i = 0; i < 3; i++) expect((await fetchUser()).status).to.equal(429);
    emu.clearFaults();
    expect((await fetchUser()).status).to.equal(200);
  });

  it('queues faults of one route in the order they were added', async () => {
    emu.fault('current-user', 'html', 1);
    emu.fault('current-user', 'quota', 1);
    expect((await fetchUser()).status).to.equal(502);
    expect((await fetchUser()).status).to.equal(500);
    expect((await fetchUser()).status).to.equal(200);
  });

  it('counts faulted requests in stats', async () => {
    const before = emu.stats.currentUser;
    emu.fault('current-user', 'reset', 1);
    await fetchUser();
    expect(emu.stats.currentUser).to.equal(before + 1);
  });

  it("'token' is the code exchange only; the code stays usable after a fault", async () => {
    const code = approvedCode(emu);
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      ...postCredentials(emu),
    };
    emu.fault('token', 'status-500', 1);
    emu.fault('refresh', 'html');
    const failed = await postForm(`${emu.url}/demo/oauth/token`, form);
    expect(failed.status).to.equal(500);
    const ok = await postForm(`${emu.url}/demo/oauth/token`, form);
    expect(ok.status).to.equal(200);
  });

  it("'refresh' is the refresh_token grant only; the refresh token stays usable after a fault", async () => {
    const tokens = await login(emu);
    const form = {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      ...postCredentials(emu),
    };
    emu.fault('refresh', 'truncated-json', 1);
    const before = emu.stats;
    const cut = await postForm(`${emu.url}/demo/oauth/token`, form);
    expect(cut.status).to.equal(200);
    const text = await cut.text();
    expect(text).to.match(/^\{"access_token":"/);
    expect(() => JSON.parse(text)).to.throw(SyntaxError);
    expect(emu.stats.refresh).to.equal(before.refresh + 1);
    expect(emu.stats.token).to.equal(before.token);
    const ok = await postForm(`${emu.url}/demo/oauth/token`, form);
    expect(ok.status).to.equal(200);
  });

  it('split-utf8 on the token exchange answers real tokens in split chunks', async () => {
    const code = approvedCode(emu);
    emu.fault('token', 'split-utf8', 1);
    const result = await rawRequest(`${emu.url}/demo/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        ...postCredentials(emu),
      }).toString(),
    });
    expect(result.status).to.equal(200);
    expect(result.chunks.length).to.be.above(1);
    const body = JSON.parse(bodyOf(result)) as { access_token: string; user_name: string };
    expect(body.user_name).to.equal('Zoë 山田 🚀');
    const me = await fetch(currentUserURL, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(me.status).to.equal(200);
  });

  it('injects faults into revoke and contacts', async () => {
    emu.fault('revoke', 'rate-limit', 1);
    const revoked = await postForm(`${emu.url}/demo/oauth/revoke`, {
      token: 'x',
      ...postCredentials(emu),
    });
    expect(revoked.status).to.equal(429);
    expect(revoked.headers.get('retry-after')).to.equal('3');
    emu.fault('contacts', 'split-utf8', 1);
    const result = await rawRequest(`${emu.url}/demo/dev/api/contacts?page_size=3`, {
      headers: HEADERS,
    });
    expect(result.status).to.equal(200);
    const page = JSON.parse(bodyOf(result)) as { properties: { name: string; value: string }[] }[];
    expect(page).to.have.length(3);
    expect(page[0]!.properties.find((p) => p.name === 'first_name')?.value).to.equal('Zoë 山田 🚀');
    emu.fault('contacts', 'reset', 1);
    expect(
      (await rawRequest(`${emu.url}/demo/dev/api/contacts`, { headers: HEADERS })).error?.code,
    ).to.equal('ECONNRESET');
  });

  it('refuses unknown routes, kinds and counts', () => {
    expect(() => emu.fault('nowhere' as 'token', 'reset')).to.throw(TypeError, /route/);
    expect(() => emu.fault('token', 'explode' as FaultKind)).to.throw(TypeError, /kind/);
    expect(() => emu.fault('token', 'reset', 0)).to.throw(TypeError, /times/);
    expect(() => emu.fault('token', 'reset', 1.5)).to.throw(TypeError, /times/);
  });
});
