/**
 * Logs in to a host app over HTTP the way a browser does: cookies kept per origin, redirects
 * followed by hand so each step can be checked, the emulator's consent form submitted.
 */
import { expect } from 'chai';

/** The emulator's seeded `demo` account and its user (see passport-agilecrm/testing). */
export const DEMO = {
  domain: 'demo',
  email: 'demo@example.com',
  apiKey: 'demo-api-key',
  userID: '6263975862861824123',
  name: 'Dana Demo',
};

/** How an app keeps its logins (see `HostApp` in hosts.ts). */
export interface AppShape {
  pending: 'session' | 'cookie';
  user: 'session' | 'token';
}

/** `CookiePendingLoginStore`'s cookie over plain HTTP (on HTTPS it gets `__Host-`). */
export const PENDING_COOKIE = 'agilecrm_pending';

/** Requests bounded in time: a host that hangs fails its test instead of the suite. */
const REQUEST_TIMEOUT = 10_000;

/** A cookie jar and `fetch` without automatic redirects. */
export class Browser {
  readonly #cookies: Map<string, Map<string, string>>;
  /** Per origin, the name of each cookie it set, in order (clearing ones included). */
  readonly #set = new Map<string, string[]>();

  constructor(cookies = new Map<string, Map<string, string>>()) {
    this.#cookies = cookies;
  }

  /**
   * GET, or POST `form` as application/x-www-form-urlencoded, with the origin's cookies and
   * `headers`.
   */
  async request(
    url: string,
    options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const { form } = options;
    const target = new URL(url);
    const jar = this.#cookies.get(target.origin) ?? new Map<string, string>();
    const headers: Record<string, string> = {
      accept: 'text/html,application/json',
      ...options.headers,
    };
    if (jar.size > 0) {
      headers['cookie'] = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(target, {
      method: form ? 'POST' : 'GET',
      headers,
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT),
    });
    const set = this.#set.get(target.origin) ?? [];
    for (const line of res.headers.getSetCookie()) {
      const { name, value } = parseSetCookie(line);
      set.push(name);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    this.#cookies.set(target.origin, jar);
    this.#set.set(target.origin, set);
    return res;
  }

  /** The value of cookie `name` of `origin`, or `undefined`. */
  cookie(origin: string, name: string): string | undefined {
    return this.#cookies.get(origin)?.get(name);
  }

  /** The names of the cookies `origin` has set, each once. */
  cookiesSetBy(origin: string): string[] {
    return [...new Set(this.#set.get(origin))];
  }

  /** Another browser holding a copy of this one's cookies, as a saved or stolen copy would. */
  copy(): Browser {
    return new Browser(new Map([...this.#cookies].map(([origin, jar]) => [origin, new Map(jar)])));
  }
}

/** The name, value and attributes (lower-cased names) of a `Set-Cookie` line. */
function parseSetCookie(line: string): {
  name: string;
  value: string;
  attributes: Map<string, string>;
} {
  const [pair = '', ...rest] = line.split(';');
  const at = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const attribute of rest) {
    const [key = '', ...value] = attribute.trim().split('=');
    attributes.set(key.toLowerCase(), value.join('='));
  }
  return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim(), attributes };
}

/** Where a redirect points, resolved against the request's URL; fails unless it is one. */
async function redirectFrom(res: Response, what: string): Promise<URL> {
  const location = res.headers.get('location');
  if (res.status < 300 || res.status > 399 || location === null) {
    expect.fail(
      `${what}: expected a redirect, got ${res.status}: ${(await res.text()).slice(0, 500)}`,
    );
  }
  return new URL(location, res.url);
}

/**
 * The logged-in user as the app's `GET /me` shows it (with `token` as a bearer token), or
 * `undefined` when it answers 401 or 403.
 */
export async function currentUser(browser: Browser, app: string, token?: string): Promise<unknown> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await browser.request(`${app}/me`, { headers });
  if (res.status === 401 || res.status === 403) return undefined;
  expect(res.status, 'GET /me').to.equal(200);
  return res.json();
}

/**
 * A whole "Log in with Agile CRM": the app redirects to the emulator's consent page, the user
 * approves, the emulator redirects back with a code, and the callback logs the user in.
 * Checks on the way where the pending login waited (`shape.pending`), and that the callback,
 * sent again, is refused. Returns the user as the app's `GET /me` shows it afterwards.
 */
export async function oauthLogin(
  app: string,
  startPath: string,
  shape: AppShape,
): Promise<unknown> {
  const browser = new Browser();
  const { origin } = new URL(app);
  const start = await browser.request(`${app}${startPath}`);
  const authorize = await redirectFrom(start, `GET ${startPath}`);
  expect(authorize.pathname, 'the authorization endpoint').to.equal(
    `/${DEMO.domain}/oauth/authorize`,
  );
  if (shape.pending === 'cookie') expectSealedPendingLogin(start, authorize);
  const callback = await approve(browser, authorize);
  expect(callback.origin, 'the callback goes back to the app').to.equal(origin);
  expect(callback.searchParams.get('code'), 'the callback has a code').to.be.a('string');

  const cookiesBeforeCallback = browser.copy();
  const finished = await browser.request(callback.href);
  const user =
    shape.user === 'session'
      ? await sessionLogin(browser, app, finished, `GET ${callback.pathname}`)
      : await tokenLogin(browser, app, finished, `GET ${callback.pathname}`);
  if (shape.pending === 'cookie') {
    expect(browser.cookie(origin, PENDING_COOKIE), 'the callback clears the cookie').to.equal(
      undefined,
    );
  }

  const strict = shape.pending === 'cookie';
  expectRefused(await browser.request(callback.href), strict, 'the callback sent again');
  // A copy of the cookies from before the callback (with CookiePendingLoginStore, one that still
  // holds the login) is refused too.
  const replayed = await cookiesBeforeCallback.request(callback.href);
  expectRefused(replayed, strict, 'the callback replayed with its original cookies');
  return user;
}

/** Approves the login on the emulator's consent page; returns the callback it redirects to. */
async function approve(browser: Browser, authorize: URL): Promise<URL> {
  const consent = await browser.request(authorize.href);
  const page = await consent.text();
  expect(consent.status, 'the consent page').to.equal(200);
  const requestID = /name="request_id" value="([^"]+)"/.exec(page)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  expect(requestID, 'the consent form').to.be.a('string');
  const approved = await browser.request(new URL(action!, authorize).href, {
    form: { request_id: requestID!, decision: 'approve' },
  });
  return redirectFrom(approved, 'approving');
}

/**
 * The login start of an app with `CookiePendingLoginStore` sets that one cookie and no other (no
 * session is stored), with the store's attributes and a value that does not show the login.
 */
function expectSealedPendingLogin(start: Response, authorize: URL): void {
  const lines = start.headers.getSetCookie();
  expect(
    lines.map((line) => parseSetCookie(line).name),
    'the login start sets the pending-login cookie and no session cookie',
  ).to.deep.equal([PENDING_COOKIE]);
  const { value, attributes } = parseSetCookie(lines[0]!);
  expect(Object.fromEntries(attributes), 'its attributes').to.deep.equal({
    'max-age': '600',
    path: '/',
    httponly: '',
    samesite: 'Lax',
  });
  const opened = Buffer.from(value, 'base64url').toString('latin1');
  for (const secret of [DEMO.domain, authorize.searchParams.get('state')!]) {
    expect(opened, 'the cookie is sealed').not.to.include(secret);
  }
}

/**
 * A login that ends in a session: a redirect to `/`, the session cookie set; returns the user
 * `GET /me` shows with that cookie.
 */
async function sessionLogin(
  browser: Browser,
  app: string,
  res: Response,
  what: string,
): Promise<unknown> {
  const landing = await redirectFrom(res, what);
  expect(landing.pathname, `after ${what}`).to.equal('/');
  return currentUser(browser, app);
}

/**
 * A login answered with the app's own token, in an app without sessions: the token opens
 * `GET /me`, the browser's cookies alone do not, and the app set no cookie but the pending
 * login's. Returns the user `GET /me` shows with the token.
 */
async function tokenLogin(
  browser: Browser,
  app: string,
  res: Response,
  what: string,
): Promise<unknown> {
  expect(res.status, `${what} answers with a token`).to.equal(200);
  const { token } = (await res.json()) as { token?: unknown };
  expect(token, `${what}: the token`).to.be.a('string');
  expect(await currentUser(browser, app), 'GET /me without the token').to.equal(undefined);
  expect(await currentUser(browser, app, 'not.a.token'), 'GET /me with a forged token').to.equal(
    undefined,
  );
  expect(browser.cookiesSetBy(new URL(app).origin), 'cookies set').to.satisfy((names: string[]) =>
    names.every((name) => name === PENDING_COOKIE),
  );
  return currentUser(browser, app, token as string);
}

/**
 * A callback the app refuses: 403 (with `strict`), or as the app's own failure handling answers
 * it (401 from NestJS's AuthGuard, Express's failureRedirect), never a login.
 */
function expectRefused(res: Response, strict: boolean, what: string): void {
  if (strict) {
    expect(res.status, what).to.equal(403);
    return;
  }
  const location = res.headers.get('location');
  const landing = location === null ? undefined : new URL(location, res.url).pathname;
  expect(
    [401, 403].includes(res.status) || landing === '/login',
    `${what}: refused, got ${res.status} ${location ?? ''}`,
  ).to.equal(true);
}

/**
 * A login with account, email and REST API key posted as a form. Returns the user the app's
 * `GET /me` shows afterwards, or `undefined` when the login was refused.
 */
export async function apiKeyLogin(
  app: string,
  path: string,
  credentials: { domain: string; email: string; apiKey: string },
  shape: AppShape,
): Promise<unknown> {
  const browser = new Browser();
  const res = await browser.request(`${app}${path}`, { form: credentials });
  if (res.status === 401) return undefined;
  if (shape.user === 'token') return tokenLogin(browser, app, res, `POST ${path}`);
  const landing = await redirectFrom(res, `POST ${path}`);
  if (landing.pathname !== '/') return undefined;
  return currentUser(browser, app);
}

/**
 * The login start of an app whose `CookiePendingLoginStore` cannot reach the reply: answered at
 * once, with no redirect and no cookie. Returns the status and body.
 */
export async function unlinkedLoginStart(
  app: string,
  path: string,
): Promise<{ status: number; body: string }> {
  const res = await new Browser().request(`${app}${path}`);
  expect(res.headers.get('location'), 'no redirect to Agile CRM').to.equal(null);
  expect(res.headers.getSetCookie(), 'no cookie').to.deep.equal([]);
  return { status: res.status, body: await res.text() };
}
