/**
 * A pending login: the account, PKCE verifier and application state of one login in progress,
 * kept between the redirect to Agile CRM and the callback under an unguessable handle, the OAuth
 * `state`. Here are its type, the interface every store implements, and the limits and handles
 * both stores share.
 */
import { randomToken } from '../../shared/random';

/** Bytes of randomness in a state handle (192 bits). */
const HANDLE_BYTES = 24;
const DEFAULT_MAX_PENDING = 10;
const DEFAULT_TTL = 10 * 60 * 1000;

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

/** How many logins a store keeps pending, and for how long. */
export interface PendingLimits {
  /** Most logins pending at once per browser; the oldest is dropped first. Default 10. */
  maxPending?: number;
  /** Lifetime of a pending login in milliseconds. Default 10 minutes. */
  ttl?: number;
}

/**
 * `limits` with the defaults applied; a `TypeError` for a count or lifetime that is not a
 * positive number.
 */
export function checkLimits(limits: PendingLimits): Required<PendingLimits> {
  const maxPending = limits.maxPending ?? DEFAULT_MAX_PENDING;
  const ttl = limits.ttl ?? DEFAULT_TTL;
  if (!Number.isInteger(maxPending) || maxPending < 1) {
    throw new TypeError('maxPending must be a positive integer');
  }
  if (!Number.isFinite(ttl) || ttl <= 0) {
    throw new TypeError('ttl must be a positive number of milliseconds');
  }
  return { maxPending, ttl };
}

/** A new unguessable state handle. */
export function newHandle(): string {
  return randomToken(HANDLE_BYTES);
}
