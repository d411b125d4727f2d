/**
 * Pending logins kept in the session, server-side: the default store.
 *
 * passport-oauth2 keeps a single pending state per session, so a login started in a second tab
 * breaks the first. This store keeps several per session, bounded in number, expiring, and
 * usable once.
 */
import type { EventEmitter } from 'node:events';
import {
  checkLimits,
  newHandle,
  type PendingLimits,
  type PendingLogin,
  type PendingLoginStore,
} from './pending-login';

/**
 * Most used handles remembered per store when requests carry no response to watch, which bounds
 * the memory they take; with Express each is forgotten as soon as its callback's response has
 * been sent.
 */
const MAX_TAKEN = 4096;

/** Options of {@link SessionPendingLoginStore}. */
export interface SessionPendingLoginStoreOptions extends PendingLimits {
  /** Session property holding the pending logins. Default `'agilecrm:pending'`. */
  key?: string;
}

/**
 * One pending login as kept in the session. The session holds a list of these, oldest first,
 * rather than an object keyed by handle: every handle would be a new property name, giving each
 * session object a shape of its own, and the session is serialized again on every request.
 */
interface StoredLogin extends PendingLogin {
  handle: string;
  expiresAt: number;
}

/** Keeps pending logins in `req.session` (express-session or any session middleware). */
export class SessionPendingLoginStore implements PendingLoginStore {
  readonly #key: string;
  readonly #maxPending: number;
  readonly #ttl: number;
  /**
   * Handles taken in this process whose callback is still running. Two requests of one session
   * that run at once (a double click, a retried callback) each load the session before either
   * saves it, so both find the login there; only the first to take it may use it. Once the first
   * request's response is sent its session has been saved without the login, so later requests
   * cannot find it any more. Keeping each handle only until then, rather than for its whole
   * lifetime, means no record of a login outlives its request: long-lived records keep the
   * garbage collector busy under load.
   */
  readonly #taken = new Map<string, number>();

  constructor(options: SessionPendingLoginStoreOptions = {}) {
    this.#key = options.key ?? 'agilecrm:pending';
    const limits = checkLimits(options);
    this.#maxPending = limits.maxPending;
    this.#ttl = limits.ttl;
  }

  async save(req: unknown, login: PendingLogin): Promise<string> {
    const session = sessionOf(req);
    const now = Date.now();
    const previous = readPending(session, this.#key);
    // Oldest first: keep the newest live ones, leaving room for this login.
    const live = previous.filter((stored) => stored.expiresAt > now);
    const pending = live.slice(Math.max(0, live.length - (this.#maxPending - 1)));
    const handle = newHandle();
    const stored: StoredLogin = { handle, domain: login.domain, expiresAt: now + this.#ttl };
    if (login.codeVerifier !== undefined) stored.codeVerifier = login.codeVerifier;
    if (login.appState !== undefined) stored.appState = login.appState;
    pending.push(stored);
    session[this.#key] = pending;
    return handle;
  }

  async take(req: unknown, handle: string): Promise<PendingLogin | undefined> {
    const session = sessionOf(req);
    const pending = readPending(session, this.#key);
    const index = pending.findIndex((stored) => stored.handle === handle);
    const stored = pending[index];
    if (stored === undefined) return undefined;
    if (pending.length > 1) {
      session[this.#key] = pending.filter((_, i) => i !== index);
      carryAcrossRegenerate(req, session, this.#key);
    } else {
      // No key left behind: the session is serialized on every later request.
      Reflect.deleteProperty(session, this.#key);
    }
    const now = Date.now();
    if (stored.expiresAt <= now || !this.#claim(req, handle, stored.expiresAt, now)) {
      return undefined;
    }
    const login: PendingLogin = { domain: stored.domain };
    if (stored.codeVerifier !== undefined) login.codeVerifier = stored.codeVerifier;
    if (stored.appState !== undefined) login.appState = stored.appState;
    return login;
  }

  /** Records `handle` as taken until `req`'s response is sent; false when it already was. */
  #claim(req: unknown, handle: string, expiresAt: number, now: number): boolean {
    if (this.#taken.has(handle)) return false;
    // Entries are oldest first: forget the expired ones, and the oldest beyond the bound.
    for (const [taken, until] of this.#taken) {
      if (until > now && this.#taken.size < MAX_TAKEN) break;
      this.#taken.delete(taken);
    }
    this.#taken.set(handle, expiresAt);
    const response = responseOf(req);
    // 'close' comes after the response is sent, and also when the client goes away first.
    response?.once('close', () => this.#taken.delete(handle));
    return true;
  }
}

/** The response Express links to `req`, when there is one to watch. */
function responseOf(req: unknown): Pick<EventEmitter, 'once'> | undefined {
  const res = typeof req === 'object' && req !== null && 'res' in req ? req.res : undefined;
  const once = typeof res === 'object' && res !== null && 'once' in res ? res.once : undefined;
  return typeof once === 'function' ? (res as Pick<EventEmitter, 'once'>) : undefined;
}

function sessionOf(req: unknown): Record<string, unknown> {
  const session =
    typeof req === 'object' && req !== null && 'session' in req ? req.session : undefined;
  if (typeof session !== 'object' || session === null) {
    throw new Error(
      'Agile CRM login needs session support to keep its state: add express-session (or another session middleware) before passport',
    );
  }
  return session as Record<string, unknown>;
}

/**
 * passport (0.6 and later) regenerates the session when this login succeeds, against session
 * fixation, which would drop the logins still pending in other tabs. For this request only,
 * `regenerate` copies them into the new session; nothing else from the old session is kept.
 */
function carryAcrossRegenerate(req: unknown, session: Record<string, unknown>, key: string): void {
  const regenerate = session['regenerate'];
  if (typeof regenerate !== 'function') return;
  Object.defineProperty(session, 'regenerate', {
    configurable: true,
    enumerable: false,
    writable: true,
    value(this: unknown, callback: (err?: unknown) => void): unknown {
      return regenerate.call(this, (err?: unknown) => {
        const fresh = err ? undefined : (req as { session?: unknown }).session;
        if (typeof fresh === 'object' && fresh !== null && fresh !== session) {
          const carried = readPending(session, key);
          if (carried.length > 0) (fresh as Record<string, unknown>)[key] = carried;
        }
        callback(err);
      });
    },
  });
}

/**
 * The pending logins in the session. Anything else found under `key` (a value this store did not
 * write, or one from a session store that lost types) counts as none.
 */
function readPending(session: Record<string, unknown>, key: string): StoredLogin[] {
  const value = session[key];
  if (!Array.isArray(value)) return [];
  return (value as unknown[]).filter(isStoredLogin);
}

function isStoredLogin(value: unknown): value is StoredLogin {
  if (typeof value !== 'object' || value === null) return false;
  const stored = value as Partial<Record<keyof StoredLogin, unknown>>;
  return (
    typeof stored.handle === 'string' &&
    typeof stored.domain === 'string' &&
    typeof stored.expiresAt === 'number' &&
    (stored.codeVerifier === undefined || typeof stored.codeVerifier === 'string')
  );
}
