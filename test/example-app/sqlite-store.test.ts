import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import type { SessionData } from 'express-session';
import { SqliteSessionStore } from '../../example-app/src/sqlite-store';
import { raceChildren, tempDir } from './support/app';

const MINUTE = 60_000;

/** A session as express-session hands it to the store, expiring at `expires`. */
function session(expires: number, data: Record<string, unknown> = {}): SessionData {
  return { cookie: { originalMaxAge: null, expires: new Date(expires) }, ...data } as SessionData;
}

function call<T>(fn: (done: (err?: unknown, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

const get = (store: SqliteSessionStore, sid: string): Promise<SessionData | null | undefined> =>
  call<SessionData | null>((done) => store.get(sid, done));
const set = (store: SqliteSessionStore, sid: string, data: SessionData): Promise<unknown> =>
  call((done) => store.set(sid, data, done));

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

describe('example app: the SQLite session store', () => {
  let tmp: ReturnType<typeof tempDir>;
  const open: SqliteSessionStore[] = [];

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => {
    for (const store of open.splice(0)) store.close();
    tmp.remove();
  });

  function storeAt(path: string, options?: ConstructorParameters<typeof SqliteSessionStore>[1]) {
    const store = new SqliteSessionStore(path, options);
    open.push(store);
    return store;
  }

  it('stores, updates, touches and destroys sessions', async () => {
    const store = storeAt(join(tmp.dir, 'sessions.db'));
    const later = Date.now() + 10 * MINUTE;
    await set(store, 'a', session(later, { user: 'ada' }));
    expect(await get(store, 'a')).to.deep.include({ user: 'ada' });
    await set(store, 'a', session(later, { user: 'bob' }));
    expect(await get(store, 'a')).to.deep.include({ user: 'bob' });
    expect(await get(store, 'missing')).to.equal(null);

    // touch() moves the expiry: a session about to expire is still there afterwards.
    await set(store, 'b', session(Date.now() + 50));
    await call((done) => store.touch('b', session(later), done));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await get(store, 'b')).not.to.equal(null);

    await call((done) => store.destroy('a', done));
    expect(await get(store, 'a')).to.equal(null);
  });

  it('keeps sessions when the store is closed and opened again (an app restart)', async () => {
    const path = join(tmp.dir, 'sessions.db');
    const first = new SqliteSessionStore(path);
    await set(first, 'kept', session(Date.now() + MINUTE, { user: 'ada' }));
    first.close();
    const second = storeAt(path);
    expect(await get(second, 'kept')).to.deep.include({ user: 'ada' });
  });

  it('opens a file written by better-sqlite3-session-store, leaving its sessions table alone', async () => {
    const path = join(tmp.dir, 'sessions.db');
    const old = new Database(path);
    old.exec(
      'CREATE TABLE sessions (sid TEXT NOT NULL PRIMARY KEY, sess JSON NOT NULL, expire TEXT NOT NULL)',
    );
    old
      .prepare('INSERT INTO sessions VALUES (?, ?, ?)')
      .run('old', '{}', '2999-01-01T00:00:00.000Z');
    old.close();
    const store = storeAt(path);
    expect(await get(store, 'old')).to.equal(null);
    await set(store, 'new', session(Date.now() + MINUTE, { user: 'ada' }));
    expect(await get(store, 'new')).to.deep.include({ user: 'ada' });
  });

  it('never returns an expired session, nor brings it back with touch()', async () => {
    const store = storeAt(join(tmp.dir, 'sessions.db'));
    await set(store, 'old', session(Date.now() - 1));
    expect(await get(store, 'old')).to.equal(null);
    await call((done) => store.touch('old', session(Date.now() + MINUTE), done));
    expect(await get(store, 'old')).to.equal(null);
  });

  it('deletes expired sessions in batches of at most sweepLimit, keeping live ones', async () => {
    const path = join(tmp.dir, 'sessions.db');
    const store = storeAt(path, { sweepLimit: 1000 });
    const past = Date.now() - MINUTE;
    for (let i = 0; i < 2500; i++) await set(store, `expired-${i}`, session(past));
    for (let i = 0; i < 10; i++) await set(store, `live-${i}`, session(Date.now() + MINUTE));
    expect([store.sweep(), store.sweep(), store.sweep(), store.sweep()]).to.deep.equal([
      1000, 1000, 500, 0,
    ]);
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare('SELECT sid FROM app_sessions ORDER BY sid').all() as {
        sid: string;
      }[];
      expect(rows.map((r) => r.sid)).to.deep.equal(
        Array.from({ length: 10 }, (_, i) => `live-${i}`),
      );
    } finally {
      db.close();
    }
  });

  it('sweeps on an unref’d timer that close() stops', async () => {
    const timers = (): number =>
      process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const errors: unknown[] = [];
    const store = new SqliteSessionStore(join(tmp.dir, 'sessions.db'), {
      sweepInterval: 10,
      onSweepError: (err) => errors.push(err),
    });
    // The timer does not keep the process alive.
    expect(timers()).to.equal(before);
    await set(store, 'old', session(Date.now() - 1));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(store.sweep()).to.equal(0);
    store.close();
    // A sweep after close() would fail on the closed file: none runs.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(errors).to.deep.equal([]);
  });

  it('creates the file owner-only (0600, its WAL files too) in an owner-only folder (0700)', async () => {
    const dir = join(tmp.dir, 'data');
    const path = join(dir, 'sessions.db');
    const store = storeAt(path);
    await set(store, 'a', session(Date.now() + MINUTE));
    expect(mode(dir)).to.equal('700');
    for (const file of [path, `${path}-wal`, `${path}-shm`])
      expect(mode(file), file).to.equal('600');
  });

  it('takes concurrent writes from two processes on one file without losing any', async function () {
    this.timeout(60_000);
    const path = join(tmp.dir, 'data', 'sessions.db');
    const runs = await raceChildren([
      ['sessions', path, 'one', '400'],
      ['sessions', path, 'two', '400'],
    ]);
    expect(runs).to.deep.equal([
      { code: 0, result: { written: 400, mismatches: 0 } },
      { code: 0, result: { written: 400, mismatches: 0 } },
    ]);
    const store = storeAt(path);
    for (const name of ['one', 'two']) {
      for (let n = 0; n < 400; n++) {
        expect(await get(store, `${name}-${n}`)).to.deep.include({ owner: name, n });
      }
    }
    // The shared session holds the last write of one of them, whole.
    expect(await get(store, 'shared')).to.deep.include({ n: 399 });
    expect(mode(path)).to.equal('600');
  });
});
