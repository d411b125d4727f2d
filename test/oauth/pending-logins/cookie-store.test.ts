import { expect } from 'chai';
import { parseSetCookie } from 'cookie';
import { CookiePendingLoginStore, type PendingLogin } from '../../../lib';
import { advanceClock, restoreClock } from '../../support/clock';

const SECRET = 'cookie-store-test-secret-0123456789abcdef';
const OTHER_SECRET = 'another-test-secret-for-rotation-0123456789';
const NAME = 'agilecrm_pending';

/** A response with Node's header methods, as Express's `res` has them. */
class FakeResponse {
  readonly headers = new Map<string, unknown>();
  headersSent = false;
  getHeader(name: string): unknown {
    return this.headers.get(name.toLowerCase());
  }
  setHeader(name: string, value: unknown): this {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }
  /** The Set-Cookie lines written. */
  get setCookies(): string[] {
    const value = this.getHeader('set-cookie');
    return value === undefined ? [] : ([] as string[]).concat(value as string[]);
  }
}

/** How the request arrived. */
interface Arrival {
  secure?: boolean;
  protocol?: string;
  encrypted?: boolean;
}

/** A cookie jar sending requests with a linked response, as Express builds them. */
class Jar {
  readonly cookies = new Map<string, string>();

  request(arrival: Arrival = {}): { headers: Record<string, string>; res: FakeResponse } {
    const cookie = [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    return {
      headers: cookie === '' ? {} : { cookie },
      res: new FakeResponse(),
      ...(arrival.secure === undefined ? {} : { secure: arrival.secure }),
      ...(arrival.protocol === undefined ? {} : { protocol: arrival.protocol }),
      ...(arrival.encrypted === undefined ? {} : { socket: { encrypted: arrival.encrypted } }),
    };
  }

  /** Keeps what the response set, as a browser would. */
  receive(res: FakeResponse): void {
    for (const line of res.setCookies) {
      const { name, value, maxAge } = parseSetCookie(line);
      if (maxAge === 0 || value === '' || value === undefined) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async save(store: CookiePendingLoginStore, login: PendingLogin): Promise<string> {
    const req = this.request();
    const handle = await store.save(req, login);
    this.receive(req.res);
    return handle;
  }

  async take(store: CookiePendingLoginStore, handle: string): Promise<PendingLogin | undefined> {
    const req = this.request();
    const login = await store.take(req, handle);
    this.receive(req.res);
    return login;
  }
}

describe('CookiePendingLoginStore', () => {
  afterEach(() => restoreClock());

  describe('the cookie', () => {
    it('is HttpOnly, SameSite=Lax, Path=/ and lives as long as a pending login', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const req = new Jar().request();
      await store.save(req, { domain: 'acme' });
      expect(req.res.setCookies).to.have.length(1);
      const line = req.res.setCookies[0]!;
      expect(line).to.match(new RegExp(`^${NAME}=[A-Za-z0-9_-]+;`));
      expect(line).to.include('; Max-Age=600').and.include('; Path=/');
      expect(line).to.include('; HttpOnly').and.include('; SameSite=Lax');
      expect(line).not.to.include('Secure');
    });

    it('hides the account, PKCE verifier and application state', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const handle = await jar.save(store, {
        domain: 'secretaccount',
        codeVerifier: 'verifier-that-must-not-show',
        appState: { returnTo: '/visible-path' },
      });
      const value = jar.cookies.get(NAME)!;
      const decoded = Buffer.from(value, 'base64url').toString('latin1');
      for (const text of ['secretaccount', 'verifier-that', 'visible-path', handle]) {
        expect(value).not.to.include(text);
        expect(decoded).not.to.include(text);
      }
    });

    it('is Secure with the __Host- prefix on HTTPS, as req.secure (trust proxy) says', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      for (const arrival of [{ secure: true }, { protocol: 'https' }, { encrypted: true }]) {
        const jar = new Jar();
        const req = jar.request(arrival);
        const handle = await store.save(req, { domain: 'acme' });
        const line = req.res.setCookies[0]!;
        expect(line, JSON.stringify(arrival)).to.match(/^__Host-agilecrm_pending=/);
        expect(line).to.include('; Secure').and.include('; Path=/');
        expect(line).not.to.include('Domain');
        jar.receive(req.res);
        const back = jar.request(arrival);
        expect(await store.take(back, handle)).to.deep.equal({ domain: 'acme' });
      }
    });

    it('follows req.secure over the socket: behind a proxy without trust, plain HTTP', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const req = new Jar().request({ secure: false, encrypted: true });
      await store.save(req, { domain: 'acme' });
      expect(req.res.setCookies[0])
        .to.match(/^agilecrm_pending=/)
        .and.not.include('Secure');
    });

    it('with another path, takes that Path and the __Secure- prefix on HTTPS', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET, path: '/auth' });
      const req = new Jar().request({ secure: true });
      await store.save(req, { domain: 'acme' });
      const line = req.res.setCookies[0]!;
      expect(line).to.match(/^__Secure-agilecrm_pending=/);
      expect(line).to.include('; Path=/auth').and.include('; Secure');
    });

    it('replaces its own earlier line in the response and keeps other cookies', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const req = new Jar().request();
      req.res.setHeader('Set-Cookie', ['sid=abc; Path=/']);
      await store.save(req, { domain: 'a' });
      await store.save(req, { domain: 'b' });
      expect(req.res.setCookies).to.have.length(2);
      expect(req.res.setCookies[0]).to.equal('sid=abc; Path=/');
      expect(req.res.setCookies[1]).to.match(/^agilecrm_pending=/);
    });

    it('writes to a Fastify-style reply linked as req.res', async () => {
      const headers = new Map<string, unknown>([['set-cookie', 'session=1']]);
      const reply = {
        sent: false,
        getHeader: (name: string) => headers.get(name),
        removeHeader: (name: string) => headers.delete(name),
        header: (name: string, value: unknown) => headers.set(name, value),
      };
      const store = new CookiePendingLoginStore({ secret: SECRET });
      await store.save({ headers: {}, protocol: 'https', res: reply }, { domain: 'acme' });
      const lines = headers.get('set-cookie') as string[];
      expect(lines[0]).to.equal('session=1');
      expect(lines[1]).to.match(/^__Host-agilecrm_pending=.*; Secure/);
    });

    it('says what is missing when the request links no response', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      let failure: unknown;
      await store.save({ headers: {} }, { domain: 'acme' }).catch((err: unknown) => {
        failure = err;
      });
      expect(failure).to.be.instanceOf(Error);
      expect((failure as Error).message).to.match(/needs the response.*req\.res.*Fastify/);
      let takeFailure: unknown;
      await store.take({ headers: {} }, 'x').catch((err: unknown) => (takeFailure = err));
      expect((takeFailure as Error).message).to.equal((failure as Error).message);
    });

    it('refuses to write once the response headers are sent', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const req = new Jar().request();
      req.res.headersSent = true;
      let failure: unknown;
      await store.save(req, { domain: 'acme' }).catch((err: unknown) => (failure = err));
      expect((failure as Error).message).to.match(/headers were already sent/);
    });
  });

  describe('pending logins', () => {
    it('returns a login once: the response removes it from the cookie', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const handle = await jar.save(store, {
        domain: 'acme',
        codeVerifier: 'v',
        appState: { returnTo: '/x', n: [1, 2] },
      });
      expect(handle).to.match(/^[A-Za-z0-9_-]{32}$/);
      const req = jar.request();
      expect(await store.take(req, handle)).to.deep.equal({
        domain: 'acme',
        codeVerifier: 'v',
        appState: { returnTo: '/x', n: [1, 2] },
      });
      // The last pending login: the cookie is cleared.
      expect(req.res.setCookies[0]).to.match(/^agilecrm_pending=;.*Max-Age=0/);
      expect(req.res.setCookies[0]).to.include('Expires=Thu, 01 Jan 1970');
      jar.receive(req.res);
      expect(jar.cookies.size).to.equal(0);
      expect(await jar.take(store, handle)).to.equal(undefined);
    });

    it('refuses a replayed copy of the cookie taken before the callback rewrote it', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const handle = await jar.save(store, { domain: 'acme' });
      const copy = new Jar();
      for (const [n, v] of jar.cookies) copy.cookies.set(n, v);
      expect(await jar.take(store, handle)).to.deep.equal({ domain: 'acme' });
      expect(await copy.take(store, handle)).to.equal(undefined);
    });

    it('remembers the newest 10,000 taken handles, so its memory stays bounded', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const handle = await jar.save(store, { domain: 'acme' });
      const copy = new Jar();
      for (const [n, v] of jar.cookies) copy.cookies.set(n, v);
      await jar.take(store, handle);
      const other = new Jar();
      for (let i = 0; i < 9_999; i++)
        await other.take(store, await other.save(store, { domain: 'b' }));
      const stillTaken = new Jar();
      for (const [n, v] of copy.cookies) stillTaken.cookies.set(n, v);
      expect(await stillTaken.take(store, handle)).to.equal(undefined);
      await other.take(store, await other.save(store, { domain: 'b' }));
      // 10,000 logins later the first handle is forgotten; a copy of its cookie would work again
      // in this process, and Agile CRM's single-use code is what still refuses it.
      expect(await copy.take(store, handle)).to.deep.equal({ domain: 'acme' });
    });

    it('keeps ten per browser, dropping the oldest first; any order completes', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const handles: string[] = [];
      for (let i = 0; i < 11; i++) handles.push(await jar.save(store, { domain: `acct${i}` }));
      expect(await jar.take(store, handles[0]!)).to.equal(undefined);
      for (const i of [5, 10, 1, 9, 2, 8, 3, 7, 4, 6]) {
        expect(await jar.take(store, handles[i]!)).to.deep.equal({ domain: `acct${i}` });
      }
      expect(jar.cookies.size).to.equal(0);
    });

    it('completes a login opened in two tabs, in either order', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const tab1 = await jar.save(store, { domain: 'one', codeVerifier: 'v1' });
      const tab2 = await jar.save(store, { domain: 'two', codeVerifier: 'v2' });
      expect(await jar.take(store, tab2)).to.deep.equal({ domain: 'two', codeVerifier: 'v2' });
      expect(await jar.take(store, tab1)).to.deep.equal({ domain: 'one', codeVerifier: 'v1' });
    });

    it('honours maxPending', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET, maxPending: 2 });
      const jar = new Jar();
      const [a, b, c] = [
        await jar.save(store, { domain: 'a' }),
        await jar.save(store, { domain: 'b' }),
        await jar.save(store, { domain: 'c' }),
      ];
      expect(await jar.take(store, a)).to.equal(undefined);
      expect(await jar.take(store, b)).to.deep.equal({ domain: 'b' });
      expect(await jar.take(store, c)).to.deep.equal({ domain: 'c' });
    });

    it('expires a login after ttl, however long the browser keeps the cookie', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET, ttl: 60_000 });
      const jar = new Jar();
      const early = await jar.save(store, { domain: 'early' });
      advanceClock(30_000);
      const late = await jar.save(store, { domain: 'late' });
      advanceClock(30_000);
      expect(await jar.take(store, early)).to.equal(undefined);
      expect(await jar.take(store, late)).to.deep.equal({ domain: 'late' });
    });

    it('sets Max-Age to the life left of the newest login when it rewrites the cookie', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET, ttl: 60_000 });
      const jar = new Jar();
      const first = await jar.save(store, { domain: 'a' });
      advanceClock(20_000);
      await jar.save(store, { domain: 'b' });
      advanceClock(10_000);
      const req = jar.request();
      await store.take(req, first);
      expect(req.res.setCookies[0]).to.include('; Max-Age=50;');
    });

    it('does not keep a reference to the login it was given', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const login = { domain: 'acme', appState: { returnTo: '/a' } };
      const handle = await jar.save(store, login);
      login.domain = 'evil';
      login.appState.returnTo = '/b';
      expect(await jar.take(store, handle)).to.deep.equal({
        domain: 'acme',
        appState: { returnTo: '/a' },
      });
    });

    it('does not reach Object.prototype through a handle such as __proto__', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      await jar.save(store, { domain: 'acme' });
      for (const handle of ['__proto__', 'constructor', 'toString', '0', ''])
        expect(await jar.take(store, handle)).to.equal(undefined);
      expect(Object.prototype).not.to.have.property('domain');
    });

    it('rejects application state that JSON cannot hold, saying so', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      let failure: unknown;
      await store
        .save(new Jar().request(), { domain: 'acme', appState: { n: 1n } })
        .catch((err: unknown) => (failure = err));
      expect((failure as Error).message).to.match(/application state as JSON/);
    });
  });

  describe('size', () => {
    const bulky = (i: number): PendingLogin => ({
      domain: `account-${i}`,
      codeVerifier: 'v'.repeat(43),
      appState: { returnTo: `/${String(i).repeat(3)}/${'x'.repeat(400)}` },
    });

    it('drops the oldest logins to stay within 4096 bytes', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const handles: string[] = [];
      for (let i = 0; i < 10; i++) {
        const req = jar.request({ secure: true });
        handles.push(await store.save(req, bulky(i)));
        expect(Buffer.byteLength(req.res.setCookies[0]!)).to.be.at.most(4096);
        jar.receive(req.res);
      }
      const kept: number[] = [];
      for (const [i, handle] of handles.entries()) {
        const req = jar.request({ secure: true });
        const login = await store.take(req, handle);
        jar.receive(req.res);
        if (login !== undefined) {
          expect(login).to.deep.equal(bulky(i));
          kept.push(i);
        }
      }
      // About seven of these fit; the ones kept are the newest.
      expect(kept.length).to.be.within(5, 9);
      expect(kept).to.deep.equal(handles.map((_, i) => i).slice(10 - kept.length));
    });

    it('refuses a login whose state alone does not fit, keeping the others', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const kept = await jar.save(store, { domain: 'acme' });
      let failure: unknown;
      await store
        .save(jar.request(), { domain: 'acme', appState: 'x'.repeat(4000) })
        .catch((err: unknown) => (failure = err));
      expect((failure as Error).message).to.match(/cannot keep this login in a cookie/);
      expect((failure as Error).message).not.to.include('xxxx');
      expect(await jar.take(store, kept)).to.deep.equal({ domain: 'acme' });
    });

    it('ignores and clears an oversized cookie', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      jar.cookies.set(NAME, 'A'.repeat(5000));
      const req = jar.request();
      expect(await store.take(req, 'x')).to.equal(undefined);
      expect(req.res.setCookies[0]).to.match(/^agilecrm_pending=;.*Max-Age=0/);
    });
  });

  describe('sealing', () => {
    it('refuses a tampered cookie and clears it', async () => {
      const store = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const handle = await jar.save(store, { domain: 'acme', codeVerifier: 'v' });
      const value = jar.cookies.get(NAME)!;
      const bytes = Buffer.from(value, 'base64url');
      for (const at of [0, 5, 20, bytes.length - 1]) {
        const altered = Buffer.from(bytes);
        altered[at]! ^= 1;
        const forged = new Jar();
        forged.cookies.set(NAME, altered.toString('base64url'));
        const req = forged.request();
        expect(await store.take(req, handle), `byte ${at}`).to.equal(undefined);
        expect(req.res.setCookies[0]).to.match(/Max-Age=0/);
      }
      for (const forgedValue of [value.slice(0, -4), `${value}AAAA`, '', 'not base64!', 'e30']) {
        const forged = new Jar();
        forged.cookies.set(NAME, forgedValue);
        expect(await forged.take(store, handle)).to.equal(undefined);
      }
      expect(await jar.take(store, handle)).to.deep.equal({ domain: 'acme', codeVerifier: 'v' });
    });

    it('refuses a cookie sealed with another secret', async () => {
      const ours = new CookiePendingLoginStore({ secret: SECRET });
      const theirs = new CookiePendingLoginStore({ secret: OTHER_SECRET });
      const jar = new Jar();
      const handle = await jar.save(theirs, { domain: 'acme' });
      expect(await jar.take(ours, handle)).to.equal(undefined);
    });

    it('refuses a cookie of a store with another name, moved to this name', async () => {
      const ours = new CookiePendingLoginStore({ secret: SECRET });
      const other = new CookiePendingLoginStore({ secret: SECRET, name: 'other_pending' });
      const jar = new Jar();
      const handle = await jar.save(other, { domain: 'acme' });
      jar.cookies.set(NAME, jar.cookies.get('other_pending')!);
      expect(await jar.take(ours, handle)).to.equal(undefined);
      expect(await jar.take(other, handle)).to.deep.equal({ domain: 'acme' });
    });

    it('rotates secrets: the first seals, every one opens, a removed one no longer does', async () => {
      const before = new CookiePendingLoginStore({ secret: OTHER_SECRET });
      const during = new CookiePendingLoginStore({ secret: [SECRET, OTHER_SECRET] });
      const after = new CookiePendingLoginStore({ secret: SECRET });
      const jar = new Jar();
      const old = await jar.save(before, { domain: 'old' });
      const fresh = await jar.save(during, { domain: 'fresh' });
      // The rotating store resealed both logins under the new secret.
      const copy = new Jar();
      for (const [n, v] of jar.cookies) copy.cookies.set(n, v);
      expect(await copy.take(after, old)).to.deep.equal({ domain: 'old' });
      expect(await jar.take(during, fresh)).to.deep.equal({ domain: 'fresh' });

      const stale = new Jar();
      const left = await stale.save(before, { domain: 'left' });
      expect(await new Jar().take(during, left)).to.equal(undefined);
      const keep = new Jar();
      for (const [n, v] of stale.cookies) keep.cookies.set(n, v);
      expect(await keep.take(during, left)).to.deep.equal({ domain: 'left' });
      expect(await stale.take(after, left)).to.equal(undefined);
    });
  });

  describe('options', () => {
    const make = (options: unknown) => () =>
      new CookiePendingLoginStore(
        options as ConstructorParameters<typeof CookiePendingLoginStore>[0],
      );

    it('requires a secret of at least 32 characters, or an array of them', () => {
      const message = /requires a secret option: a string of at least 32 characters/;
      for (const secret of [undefined, '', 'short', [], [SECRET, 'short'], 42, [42]]) {
        expect(make({ secret }), JSON.stringify(secret)).to.throw(TypeError, message);
      }
      expect(make(undefined)).to.throw(TypeError, /options object with a secret/);
      expect(make({ secret: [SECRET, OTHER_SECRET] })).not.to.throw();
    });

    it('checks the cookie name, path, maxPending and ttl', () => {
      for (const name of ['', 'a b', 'a;b', '__Host-x', '__Secure-x', 'é']) {
        expect(make({ secret: SECRET, name }), name).to.throw(TypeError, /name must be/);
      }
      for (const path of ['', 'auth', '/a;b', '/a\nb']) {
        expect(make({ secret: SECRET, path }), path).to.throw(TypeError, /path must/);
      }
      expect(make({ secret: SECRET, maxPending: 0 })).to.throw(TypeError, /maxPending/);
      expect(make({ secret: SECRET, ttl: -1 })).to.throw(TypeError, /ttl/);
    });

    it('does not change the options object it was given', () => {
      const options = Object.freeze({ secret: Object.freeze([SECRET]), ttl: 1000 });
      expect(make(options)).not.to.throw();
      expect(options).to.deep.equal({ secret: [SECRET], ttl: 1000 });
    });
  });
});
