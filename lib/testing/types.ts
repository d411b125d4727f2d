/**
 * Public types of the Agile CRM emulator: its options, its seeded data and the running server.
 */

/** One entry of a contact's `properties`, in Agile CRM's shape. */
export interface ContactProperty {
  type: 'SYSTEM' | 'CUSTOM';
  /** `first_name`, `last_name`, `email`, `company`, `title`, `phone`, or a custom name. */
  name: string;
  /** For example `work` or `personal` on `email` and `phone`. */
  subtype?: string;
  value: string;
}

/** A user of an emulated account (Agile CRM's "DomainUser" plus the REST API key). */
export interface EmulatorUser {
  /** Exact decimal digits of the user's 64-bit id. */
  id: string;
  email: string;
  name: string;
  /** Avatar URL; by default an SVG served by the emulator itself, so it works offline. */
  pic: string;
  /** The "API Key for REST client", used with the email for HTTP Basic. */
  apiKey: string;
  phone: string;
  is_admin: boolean;
  is_account_owner: boolean;
  role: string;
  timezone: string;
}

/** A contact of an emulated account, in Agile CRM's shape (`owner_id` names its owner). */
export interface EmulatorContact {
  /** Exact decimal digits of the contact's 64-bit id. */
  id: string;
  type: 'PERSON' | 'COMPANY';
  /** Epoch seconds. */
  created_time: number;
  /** Epoch seconds. */
  updated_time: number;
  star_value: number;
  lead_score: number;
  tags: string[];
  properties: ContactProperty[];
  /** Id of the owning {@link EmulatorUser}; answered as a full `owner` user object. */
  owner_id: string;
}

/** An emulated Agile CRM account ("domain") with its users and contacts. */
export interface EmulatorAccount {
  domain: string;
  users: EmulatorUser[];
  contacts: EmulatorContact[];
}

/** A user to seed; omitted fields get deterministic defaults. */
export interface UserSeed {
  /** Decimal digits; derived from the account and email when omitted. */
  id?: string;
  email: string;
  name: string;
  apiKey: string;
  pic?: string;
  phone?: string;
  is_admin?: boolean;
  is_account_owner?: boolean;
  role?: string;
  timezone?: string;
}

/** A contact to seed; omitted fields get deterministic defaults. */
export type ContactSeed = Partial<EmulatorContact>;

/** An account to seed. */
export interface AccountSeed {
  /** The account name: one DNS label such as `acme`. */
  domain: string;
  /** Default: one owner, `owner@{domain}.example` with API key `{domain}-api-key`. */
  users?: UserSeed[];
  /** A number of generated contacts, or the contacts themselves. Default 0. */
  contacts?: number | ContactSeed[];
}

/** An OAuth client registered with the emulator. */
export interface EmulatorClient {
  clientID: string;
  clientSecret: string;
  /**
   * Exact redirect URIs this client may use. When omitted, any http(s) URI on `127.0.0.1`,
   * `localhost` or `[::1]` (any port) is accepted.
   */
  redirectURIs?: string[];
  /** Name shown on the consent page. Default: the client id. */
  name?: string;
}

/** Options of {@link createEmulator}. */
export interface EmulatorOptions {
  /** Replaces the default accounts `demo` and `acme`. */
  accounts?: AccountSeed[];
  /** Registered in addition to the default client `demo-client` (same id replaces it). */
  clients?: EmulatorClient[];
  /** Access token lifetime in seconds; fractions allowed. Default 3600. */
  accessTokenTTL?: number;
  /** Authorization code lifetime in seconds; fractions allowed. Default 60. */
  codeTTL?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * How long an idle kept-alive connection stays open, in seconds; fractions allowed. Default 5,
   * as Node's server. Load tests that pause between bursts raise it, so a client never sends a
   * request on a connection the emulator is closing at that moment.
   */
  keepAliveTimeout?: number;
}

/** The emulator routes a fault can be injected into. */
export type FaultRoute = 'token' | 'refresh' | 'revoke' | 'current-user' | 'contacts';

/** Failures the emulator can simulate; see `RunningEmulator.fault`. */
export type FaultKind =
  | 'hang'
  | 'reset'
  | 'reset-mid-body'
  | 'status-500'
  | 'quota'
  | 'rate-limit'
  | 'html'
  | 'truncated-json'
  | 'oversize'
  | 'split-utf8';

/** Requests served per route, faulted ones included. */
export interface EmulatorStats {
  /** Authorization requests: consent pages shown plus `approve()` calls. */
  authorize: number;
  /** Token requests with `grant_type=authorization_code` (or no or another grant type). */
  token: number;
  /** Token requests with `grant_type=refresh_token`. */
  refresh: number;
  revoke: number;
  currentUser: number;
  contacts: number;
}

/** Options of `RunningEmulator.approve`. */
export interface ApproveOptions {
  /** Deny instead of approving: the redirect carries `error=access_denied`. */
  deny?: boolean;
}

/** A listening emulator. */
export interface RunningEmulator {
  /** Origin, e.g. `http://127.0.0.1:PORT` (`https://` with the `tls` option). */
  readonly url: string;
  /** `${url}/{domain}`: pass as the strategy's or client's `baseURL` option. */
  readonly baseURL: string;
  /** `${url}/{domain}/oauth/revoke`: pass as the strategy's `revokeURL` option. */
  readonly revokeURL: string;
  /** The default client's id, `demo-client`. */
  readonly clientID: string;
  /** The default client's secret, `demo-client-secret`. */
  readonly clientSecret: string;
  /** A copy of the seeded accounts, with `pic` as absolute URLs. */
  readonly accounts: EmulatorAccount[];
  /** A snapshot of the request counters. */
  readonly stats: EmulatorStats;
  /**
   * Gives the consent for `authorizationURL` in-process (no HTTP) and returns the redirect
   * `Location`: the `redirect_uri` with `code` and `state`, or with `error=access_denied` and
   * `state` when `deny` is set. Throws when the authorization request is invalid.
   */
  approve(authorizationURL: string, options?: ApproveOptions): string;
  /** Makes every access token issued so far answer 401. Refresh tokens keep working. */
  expireAccessTokens(): void;
  /** Injects `kind` into the next `times` requests of `route` (default: every request). */
  fault(route: FaultRoute, kind: FaultKind, times?: number): void;
  /** Removes every injected fault. */
  clearFaults(): void;
  /** Closes the server and every connection (kept-alive and hanging ones too). */
  close(): Promise<void>;
}

/** An emulator that is not listening yet. */
export interface Emulator {
  /** Starts listening; resolves to the running emulator. Default `127.0.0.1`, a free port. */
  listen(port?: number, host?: string): Promise<RunningEmulator>;
}
