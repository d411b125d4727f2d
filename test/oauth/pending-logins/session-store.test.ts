import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { SessionPendingLoginStore } from '../../../lib';

describe('SessionPendingLoginStore', () => {
  it('returns a login once, then forgets it', async () => {
    const store = new SessionPendingLoginStore();
    const req = { session: {} };
    const handle = await store.save(req, { domain: 'acme', codeVerifier: 'v', appState: { a: 1 } });
    expect(handle).to.match(/^[A-Za-z0-9_-]{32}$/);
    expect(await store.take(req, handle)).to.deep.equal({
      domain: 'acme',
      codeVerifier: 'v',
      appState: { a: 1 },
    });
    expect(await store.take(req, handle)).to.equal(undefined);
  });

  it('leaves no key in the session once the last pending login is taken', async () => {
    const store = new SessionPendingLoginStore();
    const req: { session: Record<string, unknown> } = { session: { user: 'kept' } };
    const first = await store.save(req, { domain: 'acme' });
    const second = await store.save(req, { domain: 'acme' });
    await store.take(req, first);
    expect(Object.keys(req.session)).to.deep.equal(['user', 'agilecrm:pending']);
    await store.take(req, second);
    expect(req.session).to.deep.equal({ user: 'kept' });
  });

  it('without a response to watch, refuses a state taken by a simultaneous request (the newest 4096)', async () => {
    const store = new SessionPendingLoginStore();
    const session: Record<string, unknown> = {};
    const handle = await store.save({ session }, { domain: 'acme' });
    // What a second request of this session loaded before the first saved its session.
    const stale = structuredClone(session);
    expect(await store.take({ session }, handle)).to.deep.equal({ domain: 'acme' });
    expect(await store.take({ session: structuredClone(stale) }, handle)).to.equal(undefined);
    for (let i = 0; i < 4096; i++) {
      const other = {};
      await store.take({ session: other }, await store.save({ session: other }, { domain: 'b' }));
    }
    // 4096 logins later the handle is forgotten: memory stays bounded under sustained load.
    expect(await store.take({ session: stale }, handle)).to.deep.equal({ domain: 'acme' });
  });

  it("refuses a state taken by a simultaneous request until the first one's response is sent", async () => {
    const store = new SessionPendingLoginStore();
    const session: Record<string, unknown> = {};
    const handle = await store.save({ session }, { domain: 'acme' });
    const stale = structuredClone(session);
    const res = new EventEmitter();
    expect(await store.take({ session, res }, handle)).to.deep.equal({ domain: 'acme' });
    expect(await store.take({ session: structuredClone(stale) }, handle)).to.equal(undefined);
    // Sent: the first request's session was saved without the login, so the record goes too.
    res.emit('close');
    expect(await store.take({ session: stale }, handle)).to.deep.equal({ domain: 'acme' });
  });

  it('does not keep a reference to the login it was given', async () => {
    const store = new SessionPendingLoginStore();
    const req = { session: {} };
    const login = { domain: 'acme' };
    const handle = await store.save(req, login);
    login.domain = 'evil';
    expect((await store.take(req, handle))?.domain).to.equal('acme');
  });

  it('drops expired logins when saving a new one', async () => {
    const store = new SessionPendingLoginStore({ ttl: 1000 });
    const session: Record<string, Record<string, unknown>> = {};
    const realNow = Date.now;
    try {
      await store.save({ session }, { domain: 'old' });
      Date.now = () => realNow() + 2000;
      await store.save({ session }, { domain: 'new' });
    } finally {
      Date.now = realNow;
    }
    const pending = Object.values(session['agilecrm:pending']!) as { domain: string }[];
    expect(pending.map((p) => p.domain)).to.deep.equal(['new']);
  });

  it('honours maxPending', async () => {
    const store = new SessionPendingLoginStore({ maxPending: 2 });
    const req = { session: {} };
    const a = await store.save(req, { domain: 'a' });
    const b = await store.save(req, { domain: 'b' });
    const c = await store.save(req, { domain: 'c' });
    expect(await store.take(req, a)).to.equal(undefined);
    expect((await store.take(req, b))?.domain).to.equal('b');
    expect((await store.take(req, c))?.domain).to.equal('c');
  });

  it('does not reach Object.prototype through a handle such as __proto__', async () => {
    const store = new SessionPendingLoginStore();
    const req = { session: {} };
    await store.save(req, { domain: 'acme' });
    for (const handle of ['__proto__', 'constructor', 'toString', 'valueOf'])
      expect(await store.take(req, handle)).to.equal(undefined);
    expect(Object.prototype).not.to.have.property('domain');
  });

  it('ignores a session value it did not write', async () => {
    const store = new SessionPendingLoginStore();
    const req = { session: { 'agilecrm:pending': 'garbage' } };
    expect(await store.take(req, 'x')).to.equal(undefined);
    const handle = await store.save(req, { domain: 'acme' });
    expect((await store.take(req, handle))?.domain).to.equal('acme');
  });

  it('skips entries it did not write and keeps the ones it did', async () => {
    const store = new SessionPendingLoginStore();
    const later = Date.now() + 60_000;
    const req = {
      session: {
        'agilecrm:pending': [
          null,
          'x',
          { handle: 'h1', domain: 'acme' },
          { handle: 'h2', domain: 7, expiresAt: later },
          { handle: 'h3', domain: 'acme', codeVerifier: 1, expiresAt: later },
          { handle: 'ok', domain: 'acme', codeVerifier: 'v', expiresAt: later },
        ] as unknown[],
      },
    };
    for (const handle of ['h1', 'h2', 'h3'])
      expect(await store.take(req, handle)).to.equal(undefined);
    expect(await store.take(req, 'ok')).to.deep.equal({ domain: 'acme', codeVerifier: 'v' });
  });

  it('keeps every session in one layout: a list of logins, oldest first', async () => {
    // Handles as property names would give every session object a shape of its own.
    const store = new SessionPendingLoginStore();
    const req: { session: Record<string, unknown> } = { session: {} };
    const first = await store.save(req, { domain: 'a' });
    const second = await store.save(req, { domain: 'b', codeVerifier: 'v' });
    const pending = req.session['agilecrm:pending'] as Record<string, unknown>[];
    expect(pending.map((p) => [p['handle'], p['domain']])).to.deep.equal([
      [first, 'a'],
      [second, 'b'],
    ]);
    expect(Object.keys(pending[1]!)).to.deep.equal([
      'handle',
      'domain',
      'expiresAt',
      'codeVerifier',
    ]);
  });

  it('explains that session support is needed', async () => {
    const store = new SessionPendingLoginStore();
    for (const req of [{}, { session: null }, null, 'req']) {
      const err = await store.save(req, { domain: 'acme' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message).to.match(/needs session support.*express-session/);
    }
  });

  it('checks its options', () => {
    for (const maxPending of [0, -1, 1.5, Number.NaN])
      expect(() => new SessionPendingLoginStore({ maxPending })).to.throw(TypeError, /maxPending/);
    for (const ttl of [0, -5, Infinity])
      expect(() => new SessionPendingLoginStore({ ttl })).to.throw(TypeError, /ttl/);
  });
});
