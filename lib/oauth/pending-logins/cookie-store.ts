/**
 * Pending logins kept in the browser instead of the server: one cookie, sealed with AES-256-GCM,
 * holding the state handle, account, PKCE verifier and application state of each login in
 * progress. Starting a login stores nothing server-side, and any instance holding the secret
 * can finish it.
 */
import { cookieWriter, isHTTPS, requestCookie, type CookieWriter } from '../../http/cookies';
import {
  checkLimits,
  newHandle,
  type PendingLimits,
  type PendingLogin,
  type PendingLoginStore,
} from './pending-login';
import { Sealer } from './seal';
import { TakenHandles } from './taken-handles';

const PURPOSE = 'passport-agilecrm pending logins v1';
const DEFAULT_NAME = 'agilecrm_pending';
const MIN_SECRET_LENGTH = 32;
/** Browsers keep a cookie only up to 4096 bytes; the whole `Set-Cookie` line stays within it. */
const MAX_COOKIE_BYTES = 4096;
/** Most taken handles remembered per process, each until its login expires: bounds their memory. */
const MAX_TAKEN = 10_000;
/** RFC 6265's cookie-name token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A path without characters that would end or change the attribute. */
const COOKIE_PATH = /^\/[\u0021-\u003a\u003c-\u007e]*$/;

/** Options of {@link CookiePendingLoginStore}. */
export interface CookiePendingLoginStoreOptions extends PendingLimits {
  /**
   * Seals the cookie: a string of at least 32 characters, or several for rotation (the first
   * seals, every one opens). Keys are derived from it, so it may be the session secret.
   */
  secret: string | readonly string[];
  /**
   * Name of the cookie; on HTTPS it gets the `__Host-` prefix (`__Secure-` with a `path`).
   * Default `'agilecrm_pending'`. Two stores with different names cannot open each other's.
   */
  name?: string;
  /**
   * `Path` of the cookie. Default `'/'`, which `__Host-` requires. Another path must cover both
   * the route that starts the login and the callback, and gets `__Secure-` on HTTPS.
   */
  path?: string;
}

/** One pending login in the cookie: handle, expiry, account, PKCE verifier, application state. */
type SealedLogin = [string, number, string, string | null, unknown?];

/** The cookie of one request, as read and as it will be written. */
interface RequestCookie {
  name: string;
  secure: boolean;
  write: CookieWriter;
  /** The logins it held, oldest first; none when it was missing or could not be opened. */
  logins: SealedLogin[];
  /** A cookie was sent but could not be opened (tampered, expired key, oversized). */
  unreadable: boolean;
}

/**
 * Keeps pending logins in one sealed cookie instead of the session, so logging in needs no
 * session middleware and no server-side storage until the user is in.
 *
 * The cookie is `HttpOnly`, `SameSite=Lax`, lives as long as its newest login, and is `Secure`
 * with the `__Host-` prefix on HTTPS (Express's `req.secure`, which follows `trust proxy`). The
 * callback's response removes the login it used. A replayed copy of the cookie is refused by the
 * process that took the login (the newest 10,000 logins, each until it expires); other instances
 * rely on Agile CRM refusing a used authorization code.
 *
 * @example
 * new Strategy({ ...options, store: new CookiePendingLoginStore({ secret: process.env.SESSION_SECRET! }) }, verify);
 */
export class CookiePendingLoginStore implements PendingLoginStore {
  readonly #sealer: Sealer;
  readonly #name: string;
  readonly #path: string;
  readonly #maxPending: number;
  readonly #ttl: number;
  /** Handles taken by this process, each kept until its login expires. */
  readonly #taken = new TakenHandles(MAX_TAKEN);

  constructor(options: CookiePendingLoginStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('CookiePendingLoginStore requires an options object with a secret');
    }
    const [secret, ...retired] = checkSecrets(options.secret);
    this.#name = options.name ?? DEFAULT_NAME;
    this.#path = options.path ?? '/';
    if (!COOKIE_NAME.test(this.#name) || /^__(host|secure)-/i.test(this.#name)) {
      throw new TypeError(
        'CookiePendingLoginStore name must be a cookie name without a __Host- or __Secure- prefix',
      );
    }
    if (!COOKIE_PATH.test(this.#path)) {
      throw new TypeError('CookiePendingLoginStore path must start with "/" and contain no ";"');
    }
    const limits = checkLimits(options);
    this.#maxPending = limits.maxPending;
    this.#ttl = limits.ttl;
    this.#sealer = new Sealer({ secret, retired, purpose: PURPOSE, context: this.#name });
  }

  async save(req: unknown, login: PendingLogin): Promise<string> {
    const cookie = this.#open(req);
    const now = Date.now();
    const handle = newHandle();
    const fresh: SealedLogin = [handle, now + this.#ttl, login.domain, login.codeVerifier ?? null];
    if (login.appState !== undefined) fresh.push(login.appState);
    const live = cookie.logins.filter((sealed) => this.#isLive(sealed, now));
    const kept = live.slice(Math.max(0, live.length - (this.#maxPending - 1)));
    cookie.write(this.#sealedCookie(cookie, [...kept, fresh], now));
    return handle;
  }

  async take(req: unknown, handle: string): Promise<PendingLogin | undefined> {
    const cookie = this.#open(req);
    const now = Date.now();
    const index = cookie.logins.findIndex(([stored]) => stored === handle);
    const found = cookie.logins[index];
    if (found === undefined) {
      if (cookie.unreadable) cookie.write(this.#clearedCookie(cookie));
      return undefined;
    }
    const rest = cookie.logins.filter((sealed, i) => i !== index && this.#isLive(sealed, now));
    cookie.write(
      rest.length > 0 ? this.#sealedCookie(cookie, rest, now) : this.#clearedCookie(cookie),
    );
    const [storedHandle, expiresAt, domain, codeVerifier, appState] = found;
    if (expiresAt <= now || !this.#taken.claim(storedHandle, expiresAt, now)) return undefined;
    const taken: PendingLogin = { domain };
    if (codeVerifier !== null) taken.codeVerifier = codeVerifier;
    if (found.length > 4) taken.appState = appState;
    return taken;
  }

  /** The request's cookie, opened; throws when the response cannot be reached. */
  #open(req: unknown): RequestCookie {
    const secure = isHTTPS(req);
    const prefix = !secure ? '' : this.#path === '/' ? '__Host-' : '__Secure-';
    const name = prefix + this.#name;
    const write = cookieWriter(req, name);
    if (write === undefined) {
      throw new Error(
        'CookiePendingLoginStore needs the response to set its cookie, and the request links ' +
          'none (req.res). Express and NestJS link it; with Fastify, link the reply in a hook: ' +
          "fastify.addHook('onRequest', async (request, reply) => { request.res = reply })",
      );
    }
    const value = requestCookie(req, name);
    const logins = value === undefined ? undefined : this.#unseal(value);
    return {
      name,
      secure,
      write,
      logins: logins ?? [],
      unreadable: value !== undefined && !logins,
    };
  }

  /** The logins sealed in `value`, or `undefined` when it is not a cookie of this store. */
  #unseal(value: string): SealedLogin[] | undefined {
    if (value.length > MAX_COOKIE_BYTES) return undefined;
    const json = this.#sealer.open(value);
    if (json === undefined) return undefined;
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every(isSealedLogin) ? parsed : undefined;
  }

  /**
   * The `Set-Cookie` line holding `logins` (oldest first), dropping the oldest until it fits in
   * {@link MAX_COOKIE_BYTES}. Throws when the newest alone does not fit.
   */
  #sealedCookie(cookie: RequestCookie, logins: SealedLogin[], now: number): string {
    const texts = logins.map((sealed) => sealedJSON(sealed));
    const newest = Math.max(...logins.map(([, expiresAt]) => expiresAt));
    const maxAge = Math.ceil((newest - now) / 1000);
    const room = MAX_COOKIE_BYTES - this.#line(cookie, '', maxAge).length;
    let first = 0;
    while (sealedLength(texts, first) > room) {
      if (first === texts.length - 1) {
        throw new Error(
          `CookiePendingLoginStore cannot keep this login in a cookie: its data takes ` +
            `${Buffer.byteLength(texts[first] ?? '')} bytes as JSON. Keep the application ` +
            'state small (an id or a path, not an object).',
        );
      }
      first++;
    }
    const plaintext = `[${texts.slice(first).join(',')}]`;
    return this.#line(cookie, this.#sealer.seal(plaintext), maxAge);
  }

  /** The `Set-Cookie` line that removes the cookie (`Expires` for clients without Max-Age). */
  #clearedCookie(cookie: RequestCookie): string {
    return this.#line(cookie, '', 0, '; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }

  /**
   * A `Set-Cookie` line. The name and path were checked at construction and values are
   * base64url, so nothing in it needs escaping.
   */
  #line(cookie: RequestCookie, value: string, maxAge: number, expires = ''): string {
    const line =
      `${cookie.name}=${value}; Max-Age=${maxAge}; Path=${this.#path}${expires}; ` +
      'HttpOnly; SameSite=Lax';
    return cookie.secure ? `${line}; Secure` : line;
  }

  /** Not expired, and not taken by this process (a stale copy can bring a taken one back). */
  #isLive([handle, expiresAt]: SealedLogin, now: number): boolean {
    return expiresAt > now && !this.#taken.has(handle);
  }
}

function checkSecrets(secret: unknown): [string, ...string[]] {
  const secrets = Array.isArray(secret) ? (secret as unknown[]) : [secret];
  if (
    secrets.length === 0 ||
    !secrets.every((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)
  ) {
    throw new TypeError(
      `CookiePendingLoginStore requires a secret option: a string of at least ${MIN_SECRET_LENGTH} characters, or an array of them`,
    );
  }
  return secrets as [string, ...string[]];
}

/** One login's JSON; application state that JSON cannot hold fails here, with its reason. */
function sealedJSON(sealed: SealedLogin): string {
  try {
    return JSON.stringify(sealed);
  } catch (err) {
    throw new TypeError(
      'CookiePendingLoginStore keeps the application state as JSON, and this state is not JSON',
      { cause: err },
    );
  }
}

/** Length of the base64url cookie value sealing the JSON array of `texts` from `first` on. */
function sealedLength(texts: readonly string[], first: number): number {
  let bytes = 2 + (texts.length - first - 1);
  for (const text of texts.slice(first)) bytes += Buffer.byteLength(text);
  return Math.ceil(((Sealer.OVERHEAD + bytes) * 4) / 3);
}

function isSealedLogin(value: unknown): value is SealedLogin {
  return (
    Array.isArray(value) &&
    (value.length === 4 || value.length === 5) &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'number' &&
    typeof value[2] === 'string' &&
    (value[3] === null || typeof value[3] === 'string')
  );
}
