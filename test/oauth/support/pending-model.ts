/**
 * The promised behaviour of pending logins in one session, written independently of the
 * implementation: at most `max` at once (the oldest dropped first), each expiring `ttl` minutes
 * after it was issued, and usable once.
 */

/** One state issued by a login start. */
export interface IssuedState {
  handle: string;
  domain: string;
  /** PKCE `code_challenge` sent with the authorization request. */
  challenge: string;
  /** Virtual minutes at issue. */
  issuedAt: number;
  /** No longer in the session: used, expired and cleaned up, or dropped for room. */
  gone: boolean;
}

/** A session's pending logins under a virtual clock counted in minutes. */
export class PendingModel {
  readonly issued: IssuedState[] = [];
  now = 0;

  constructor(
    private readonly max = 10,
    private readonly ttlMinutes = 10,
  ) {}

  private expired(s: IssuedState): boolean {
    return this.now - s.issuedAt >= this.ttlMinutes;
  }

  /** A new login started: expired ones are cleaned up and the oldest dropped past the bound. */
  save(state: Omit<IssuedState, 'issuedAt' | 'gone'>): void {
    for (const s of this.issued) if (!s.gone && this.expired(s)) s.gone = true;
    const live = this.issued.filter((s) => !s.gone);
    for (const s of live.slice(0, Math.max(0, live.length - (this.max - 1)))) s.gone = true;
    this.issued.push({ ...state, issuedAt: this.now, gone: false });
  }

  /** A callback presented `handle`: returns the login when it was live, and uses it up. */
  take(handle: string): IssuedState | undefined {
    const s = this.issued.find((x) => x.handle === handle && !x.gone);
    if (s === undefined) return undefined;
    s.gone = true;
    return this.expired(s) ? undefined : s;
  }
}
