/**
 * The emulator's authorization state: pending consents, codes, grants and tokens, in memory.
 */
import { randomToken } from '../shared/random';

/** Bytes of randomness in codes and tokens (256 bits). */
export const TOKEN_BYTES = 32;

/** A validated authorization request waiting for the user's decision. */
export interface AuthorizationRequest {
  domain: string;
  clientID: string;
  redirectURI: string;
  userID: string;
  scope: string;
  state: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | 'plain' | undefined;
}

/** What an authorization code stands for. */
export interface CodeRecord extends AuthorizationRequest {
  expiresAt: number;
  /** Set at the first exchange attempt by the code's client: codes are single use. */
  used: boolean;
  /** Set once the code has been exchanged, so a replay can revoke what it produced. */
  grantID: string | undefined;
}

/** One approval; every token issued from it belongs to it. */
export interface Grant {
  id: string;
  domain: string;
  clientID: string;
  userID: string;
  scope: string;
}

/** An issued token pair. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
}

/** Pending consents and codes kept at most (the oldest are dropped beyond this); also the access
 * token count above which expired ones are forgotten. */
const MAX_PENDING = 10_000;
/** How long a consent page stays usable, in milliseconds. */
const CONSENT_TTL_MS = 10 * 60 * 1000;

/** Holds every code and token the emulator has issued. */
export class AuthorizationStore {
  readonly #consents = new Map<string, { request: AuthorizationRequest; expiresAt: number }>();
  readonly #codes = new Map<string, CodeRecord>();
  /**
   * Live grants with their current refresh token. A token counts only while its grant is here,
   * so ending a grant ends all its tokens at once, without looking for them; its access tokens
   * are forgotten when they expire, like any other.
   */
  readonly #grants = new Map<string, { grant: Grant; refreshToken: string }>();
  readonly #accessTokens = new Map<string, { grantID: string; expiresAt: number }>();
  readonly #refreshTokens = new Map<string, string>();

  constructor(
    private readonly accessTokenTTLms: number,
    private readonly codeTTLms: number,
  ) {}

  /** Remembers a request shown on a consent page; returns its opaque id. */
  addConsent(request: AuthorizationRequest): string {
    const id = randomToken(24);
    bounded(this.#consents).set(id, { request, expiresAt: Date.now() + CONSENT_TTL_MS });
    return id;
  }

  /** Takes (single use) the pending request with this id, if it exists and has not expired. */
  takeConsent(id: string): AuthorizationRequest | undefined {
    const entry = this.#consents.get(id);
    this.#consents.delete(id);
    return entry && entry.expiresAt > Date.now() ? entry.request : undefined;
  }

  /** Issues an authorization code for an approved request. */
  issueCode(request: AuthorizationRequest): string {
    const code = randomToken(TOKEN_BYTES);
    bounded(this.#codes).set(code, {
      ...request,
      expiresAt: Date.now() + this.codeTTLms,
      used: false,
      grantID: undefined,
    });
    return code;
  }

  /** The record of `code`, used or not; expired codes included. */
  findCode(code: string): CodeRecord | undefined {
    return this.#codes.get(code);
  }

  /** Creates the grant of an accepted code and issues its first tokens. */
  exchangeCode(record: CodeRecord): { grant: Grant; tokens: IssuedTokens } {
    const grant: Grant = {
      id: randomToken(16),
      domain: record.domain,
      clientID: record.clientID,
      userID: record.userID,
      scope: record.scope,
    };
    const tokens = this.#issue(grant.id);
    this.#grants.set(grant.id, { grant, refreshToken: tokens.refreshToken });
    record.grantID = grant.id;
    return { grant, tokens };
  }

  /** The grant a refresh token belongs to. */
  findRefreshGrant(refreshToken: string): Grant | undefined {
    const grantID = this.#refreshTokens.get(refreshToken);
    return grantID === undefined ? undefined : this.#grants.get(grantID)?.grant;
  }

  /** Rotation: the old refresh token stops working and a new pair is issued. */
  rotate(refreshToken: string, grant: Grant): IssuedTokens {
    this.#refreshTokens.delete(refreshToken);
    const tokens = this.#issue(grant.id);
    const live = this.#grants.get(grant.id);
    if (live !== undefined) live.refreshToken = tokens.refreshToken;
    return tokens;
  }

  /** The grant of a live (known, unexpired) access token. */
  findAccessGrant(accessToken: string): Grant | undefined {
    const entry = this.#accessTokens.get(accessToken);
    if (entry === undefined || entry.expiresAt <= Date.now()) return undefined;
    return this.#grants.get(entry.grantID)?.grant;
  }

  /** The grant a known token (access, expired or not, or refresh) belongs to. */
  tokenGrant(token: string): Grant | undefined {
    const grantID = this.#accessTokens.get(token)?.grantID ?? this.#refreshTokens.get(token);
    return grantID === undefined ? undefined : this.#grants.get(grantID)?.grant;
  }

  /**
   * RFC 7009: an access token ends alone; a refresh token ends with its grant's access tokens.
   */
  revoke(token: string): void {
    if (this.#accessTokens.delete(token)) return;
    const grantID = this.#refreshTokens.get(token);
    if (grantID !== undefined) this.revokeGrant(grantID);
  }

  /** Ends every token of a grant (also used when a code is replayed, RFC 6749 section 4.1.2). */
  revokeGrant(grantID: string): void {
    const live = this.#grants.get(grantID);
    if (live === undefined) return;
    this.#refreshTokens.delete(live.refreshToken);
    this.#grants.delete(grantID);
  }

  /** Every access token issued so far answers 401 from now on. */
  expireAccessTokens(): void {
    for (const entry of this.#accessTokens.values()) entry.expiresAt = 0;
  }

  #issue(grantID: string): IssuedTokens {
    if (this.#accessTokens.size >= MAX_PENDING) this.#dropExpiredAccessTokens();
    const accessToken = randomToken(TOKEN_BYTES);
    const refreshToken = randomToken(TOKEN_BYTES);
    this.#accessTokens.set(accessToken, { grantID, expiresAt: Date.now() + this.accessTokenTTLms });
    this.#refreshTokens.set(refreshToken, grantID);
    return { accessToken, refreshToken };
  }

  /**
   * Long runs (load tests) would otherwise keep every access token ever issued. Tokens are kept
   * in issue order with one lifetime, so the expired ones are those at the front: stopping at the
   * first live one keeps this from scanning every live token on every login.
   */
  #dropExpiredAccessTokens(): void {
    const now = Date.now();
    for (const [token, entry] of this.#accessTokens) {
      if (entry.expiresAt > now) break;
      this.#accessTokens.delete(token);
    }
  }
}

/** Drops the oldest entry of a full map so hostile traffic cannot grow it without bound. */
function bounded<K, V>(map: Map<K, V>): Map<K, V> {
  if (map.size >= MAX_PENDING) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  return map;
}
