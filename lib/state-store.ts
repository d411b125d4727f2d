/**
 * Server-side storage of pending logins: the `state` handle sent to Agile CRM maps to the
 * account, PKCE verifier and application state of one login in progress.
 *
 * passport-oauth2 keeps a single pending state per session, so a login started in a second tab
 * breaks the first. This store keeps several per session, bounded in number, expiring, and
 * usable once.
 */
import { randomFillSync } from 'node:crypto';

/** One login in progress. */
export interface PendingLogin {
  /** The Agile CRM account the authorization request went to. */
  domain: string;
  /** PKCE code verifier, when PKCE is on. */
  codeVerifier?: string;
  /** Application state given as `authenticate(..., { state })`, returned in `info.state`. */
  appState?: unknown;
}

/**
 * Where pending logins live. Implement it to keep them somewhere other than the session; the
 * `handle` returned by `save` is sent as the OAuth `state` parameter.
 */
export interface PendingLoginStore {
  /** Stores `login` and returns an unguessable handle for it. */
  save(req: unknown, login: PendingLogin): Promise<string>;
  /** Returns and forgets the login for `handle`; `undefined` when unknown, used or expired. */
  take(req: unknown, handle: string): Promise<PendingLogin | undefined>;
}

/** Options of {@link SessionPendingLoginStore}. */
export interface SessionPendingLoginStoreOptions {
  /** Session property holding the pending logins. Default `'agilecrm:pending'`. */
  key?: string;
  /** Most logins pending at once per session; the oldest is dropped first. Default 10. */
  maxPending?: number;
  /** Lifetime of a pending login in milliseconds. Default 10 minutes. */
  ttl?: number;
}

interface StoredLogin extends PendingLogin {
  expiresAt: number;
}

type Pending = Record<string, StoredLogin>;

/** Keeps pending logins in `req.session` (express-session or any session middleware). */
export class SessionPendingLoginStore implements PendingLoginStore {
  readonly #key: string;
  readonly #maxPending: number;
  readonly #ttl: number;
  /**
   * Handles taken in this process, until they would have expired. Two requests of one session
   * that run at once (a double click, a retried callback) each load the session before either
   * saves it, so both find the login there; only the first to take it may use it.
   */
  readonly #taken = new Map<string, number>();

  constructor(options: SessionPendingLoginStoreOptions = {}) {
    this.#key = options.key ?? 'agilecrm:pending';
    this.#maxPending = options.maxPending ?? 10;
    this.#ttl = options.ttl ?? 10 * 60 * 1000;
    if (!Number.isInteger(this.#maxPending) || this.#maxPending < 1) {
      throw new TypeError('maxPending must be a positive integer');
    }
    if (!Number.isFinite(this.#ttl) || this.#ttl <= 0) {
      throw new TypeError('ttl must be a positive number of milliseconds');
    }
  }

  async save(req: unknown, login: PendingLogin): Promise<string> {
    const session = sessionOf(req);
    const now = Date.now();
    const previous = readPending(session, this.#key);
    const live: [string, StoredLogin][] = [];
    // A loop rather than Object.entries/filter/fromEntries: this runs on every login. A
    // "__proto__" key is never a handle, and assigning it below would set a prototype.
    for (const key in previous) {
      if (Object.hasOwn(previous, key) && key !== '__proto__' && previous[key].expiresAt > now) {
        live.push([key, previous[key]]);
      }
    }
    // Oldest first; keep room for the new one.
    if (live.length > 1) live.sort((a, b) => a[1].expiresAt - b[1].expiresAt);
    const pending: Pending = {};
    for (let i = Math.max(0, live.length - (this.#maxPending - 1)); i < live.length; i++) {
      pending[live[i][0]] = live[i][1];
    }
    const handle = newHandle();
    pending[handle] = { ...login, expiresAt: now + this.#ttl };
    session[this.#key] = pending;
    return handle;
  }

  async take(req: unknown, handle: string): Promise<PendingLogin | undefined> {
    const session = sessionOf(req);
    const pending = readPending(session, this.#key);
    // hasOwn: a handle such as "__proto__" must not reach Object.prototype.
    const stored = Object.hasOwn(pending, handle) ? pending[handle] : undefined;
    if (stored === undefined) return undefined;
    const rest: Pending = {};
    let others = 0;
    for (const key in pending) {
      if (Object.hasOwn(pending, key) && key !== handle && key !== '__proto__') {
        rest[key] = pending[key];
        others++;
      }
    }
    if (others > 0) {
      session[this.#key] = rest;
      carryAcrossRegenerate(req, session, this.#key);
    } else {
      // No key left behind: the session is serialized on every later request.
      Reflect.deleteProperty(session, this.#key);
    }
    const { expiresAt, ...login } = stored;
    const now = Date.now();
    return expiresAt > now && this.#claim(handle, expiresAt, now) ? login : undefined;
  }

  /** Records `handle` as taken; false when it already was. */
  #claim(handle: string, expiresAt: number, now: number): boolean {
    // Entries are in roughly expiring order: forget the expired ones at the front.
    for (const [taken, until] of this.#taken) {
      if (until > now) break;
      this.#taken.delete(taken);
    }
    if (this.#taken.has(handle)) return false;
    this.#taken.set(handle, expiresAt);
    return true;
  }
}

const HANDLE_BYTES = 24;
/** Random bytes for handles, drawn from the CSPRNG 128 handles at a time. */
const handlePool = Buffer.alloc(HANDLE_BYTES * 128);
let handlePoolUsed = handlePool.length;

/**
 * A new unguessable handle: 24 random bytes, base64url. One call into the CSPRNG per 128
 * handles; a call per handle cost more than the rest of the state store's work.
 */
function newHandle(): string {
  if (handlePoolUsed === handlePool.length) {
    randomFillSync(handlePool);
    handlePoolUsed = 0;
  }
  const handle = handlePool.toString('base64url', handlePoolUsed, handlePoolUsed + HANDLE_BYTES);
  // Each byte is used once; overwrite it so no handle stays readable in the pool.
  handlePool.fill(0, handlePoolUsed, handlePoolUsed + HANDLE_BYTES);
  handlePoolUsed += HANDLE_BYTES;
  return handle;
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
          if (Object.keys(carried).length > 0) (fresh as Record<string, unknown>)[key] = carried;
        }
        callback(err);
      });
    },
  });
}

function readPending(session: Record<string, unknown>, key: string): Pending {
  const value = session[key];
  return typeof value === 'object' && value !== null ? (value as Pending) : {};
}
