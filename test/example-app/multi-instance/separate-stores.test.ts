/**
 * Two example-app instances that share no store at all, each with a SQLite session database of
 * its own: the pending login travels in its sealed cookie, so a login started on instance A
 * completes on instance B. Nothing is stored anywhere until the callback, and then only by the
 * instance that logged the user in.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { RunningEmulator } from '../../../lib/testing';
import {
  configFor,
  consent,
  sessionCookie,
  startApp,
  startEmulator,
  storedSessions,
  tempDir,
  type RunningApp,
} from '../support/app';

describe('two example-app instances with separate session stores', () => {
  let emu: RunningEmulator;
  let tmp: ReturnType<typeof tempDir>;
  let a: RunningApp;
  let b: RunningApp;
  const dbOf = (label: string): string => join(tmp.dir, `${label}.db`);

  before(async () => {
    emu = await startEmulator();
    tmp = tempDir();
    // Behind a load balancer both instances have one public callback URL and one secret.
    const instance = (label: string) =>
      startApp(
        configFor(emu, tmp.dir, {
          sessionStore: { kind: 'sqlite', path: dbOf(label) },
          callbackURL: 'http://localhost:9/auth/agilecrm/callback',
        }),
      );
    a = await instance('a');
    b = await instance('b');
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await emu?.close();
    tmp?.remove();
  });

  it('completes on B a login started on A, with nothing stored before the callback', async () => {
    const { start, callbackPath } = await consent(a.agent(), emu, { returnTo: '/?from=a' });
    const cookies = ([] as string[]).concat(start.headers['set-cookie'] ?? []);
    expect(cookies.map((line) => line.split('=')[0])).to.deep.equal(['agilecrm_pending']);
    expect(storedSessions(dbOf('a'))).to.deep.equal([]);
    expect(storedSessions(dbOf('b'))).to.deep.equal([]);

    const callback = await request(b.url)
      .get(callbackPath)
      .set('Cookie', cookies[0]!.split(';')[0]!)
      .expect(303);
    expect(callback.headers['location']).to.equal('/?from=a');
    expect(storedSessions(dbOf('a'))).to.deep.equal([]);
    expect(storedSessions(dbOf('b'))).to.have.length(1);

    const session = `agilecrm_example.sid=${sessionCookie(callback)!}`;
    const profile = await request(b.url).get('/profile').set('Cookie', session).expect(200);
    expect(profile.text).to.include('Dana Demo');
  });

  it('refuses a callback replayed after B completed it: on A by the single-use code, on B before any token request', async () => {
    const { start, callbackPath } = await consent(a.agent(), emu);
    const pending = ([] as string[]).concat(start.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
    await request(b.url).get(callbackPath).set('Cookie', pending).expect(303);
    // A never saw this login, so only Agile CRM's single-use code refuses it there: the replay
    // reaches the token endpoint once and fails, and no session is created.
    const tokensBefore = emu.stats.token;
    const replay = await request(a.url).get(callbackPath).set('Cookie', pending);
    expect(replay.status).to.equal(400);
    expect(replay.text).to.include('This login link has expired');
    expect(emu.stats.token - tokensBefore).to.equal(1);
    expect(storedSessions(dbOf('a'))).to.deep.equal([]);
    // On B, which took it, the replay fails like a wrong state before any token request.
    const again = await request(b.url).get(callbackPath).set('Cookie', pending);
    expect(again.status).to.equal(403);
    expect(emu.stats.token - tokensBefore).to.equal(1);
  });
});
