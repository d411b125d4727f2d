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

/** Requests bounded in time: a host that hangs fails its test instead of the suite. */
const REQUEST_TIMEOUT = 10_000;

/** A cookie jar and `fetch` without automatic redirects. */
export class Browser {
  readonly #cookies = new Map<string, Map<string, string>>();

  /** GET, or POST `form` as application/x-www-form-urlencoded. */
  async request(url: string, form?: Record<string, string>): Promise<Response> {
    const target = new URL(url);
    const jar = this.#cookies.get(target.origin) ?? new Map<string, string>();
    const headers: Record<string, string> = { accept: 'text/html,application/json' };
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
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, pair.slice(at + 1).trim());
    }
    this.#cookies.set(target.origin, jar);
    return res;
  }
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

/** The logged-in user as the app's `GET /me` shows it, or `undefined` when it answers 401 or 403. */
export async function currentUser(browser: Browser, app: string): Promise<unknown> {
  const res = await browser.request(`${app}/me`);
  if (res.status === 401 || res.status === 403) return undefined;
  expect(res.status, 'GET /me').to.equal(200);
  return res.json();
}

/**
 * A whole "Log in with Agile CRM": the app redirects to the emulator's consent page, the user
 * approves, the emulator redirects back with a code, and the callback logs the user in.
 * Returns the user as the app's `GET /me` shows it afterwards.
 */
export async function oauthLogin(app: string, startPath: string): Promise<unknown> {
  const browser = new Browser();
  const start = await browser.request(`${app}${startPath}`);
  const authorize = await redirectFrom(start, `GET ${startPath}`);
  expect(authorize.pathname, 'the authorization endpoint').to.equal(
    `/${DEMO.domain}/oauth/authorize`,
  );
  const consent = await browser.request(authorize.href);
  const page = await consent.text();
  expect(consent.status, 'the consent page').to.equal(200);
  const requestID = /name="request_id" value="([^"]+)"/.exec(page)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  expect(requestID, 'the consent form').to.be.a('string');
  const approved = await browser.request(new URL(action!, authorize).href, {
    request_id: requestID!,
    decision: 'approve',
  });
  const callback = await redirectFrom(approved, 'approving');
  expect(callback.origin, 'the callback goes back to the app').to.equal(new URL(app).origin);
  expect(callback.searchParams.get('code'), 'the callback has a code').to.be.a('string');
  const finished = await browser.request(callback.href);
  const landing = await redirectFrom(finished, `GET ${callback.pathname}`);
  expect(landing.pathname, 'after the callback').to.equal('/');
  return currentUser(browser, app);
}

/**
 * A login with account, email and REST API key posted as a form. Returns the user the app's
 * `GET /me` shows afterwards, or `undefined` when the login was refused.
 */
export async function apiKeyLogin(
  app: string,
  path: string,
  credentials: { domain: string; email: string; apiKey: string },
): Promise<unknown> {
  const browser = new Browser();
  const res = await browser.request(`${app}${path}`, credentials);
  if (res.status >= 300 && res.status <= 399) {
    const landing = await redirectFrom(res, `POST ${path}`);
    if (landing.pathname !== '/') return undefined;
  } else if (res.status === 401) {
    return undefined;
  } else {
    expect.fail(`POST ${path}: expected a redirect or 401, got ${res.status}`);
  }
  return currentUser(browser, app);
}
