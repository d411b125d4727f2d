/**
 * "Log in with Agile CRM": a passport-oauth2 strategy for Agile CRM accounts.
 */
import type { Request } from 'express';
import OAuth2Strategy, { AuthorizationError, InternalOAuthError } from 'passport-oauth2';
import { fetchProfile } from './current-user';
import { normalizeDomain } from './domain';
import { EndpointTemplates } from './endpoints';
import { isRecord } from './json';
import { AgileCRMOAuth2 } from './oauth2-adapter';
import type { AgileCRMProfile } from './profile';
import { SessionPendingLoginStore, type PendingLoginStore } from './state-store';
import {
  checkOptions,
  type AuthenticateOptions,
  type StrategyOptions,
  type StrategyOptionsWithRequest,
} from './strategy-options';
import { requestToken, revokeToken, type ClientSettings, type TokenSet } from './token-endpoint';
import {
  adaptVerify,
  type TokenParams,
  type VerifyCallback,
  type VerifyContext,
  type VerifyContextWithRequest,
  type VerifyFunction,
  type VerifyFunctionWithRequest,
} from './verify';

/** passport-oauth2's state store interface, as its `authenticate` calls it. */
interface OAuth2StateStore {
  store(
    req: Request,
    verifier: string | undefined,
    state: unknown,
    meta: unknown,
    done: (err: unknown, handle?: string) => void,
  ): void;
  verify(
    req: Request,
    handle: string,
    done: (err: unknown, ok?: string | boolean, state?: unknown) => void,
  ): void;
}

const MAX_CODE_LENGTH = 4096;
const INVALID_STATE = 'Invalid or expired login state; please start the login again.';
const MALFORMED = 'Malformed authorization response from Agile CRM.';

/**
 * Passport strategy for "Log in with Agile CRM" (OAuth 2.0 authorization code flow with state
 * and PKCE), registered as `'agilecrm'`.
 *
 * @example
 * passport.use(new Strategy(
 *   { clientID, clientSecret, callbackURL: '/auth/agilecrm/callback', domain: 'acme' },
 *   async (accessToken, refreshToken, profile) => users.upsert(profile),
 * ));
 */
export class Strategy extends OAuth2Strategy {
  override name = 'agilecrm';

  // Set by passport-oauth2's constructor; replaced per login. `declare` keeps it untouched.
  declare protected _stateStore: OAuth2StateStore;

  /** @internal */
  protected _endpoints: EndpointTemplates;
  /** @internal */
  protected _client: ClientSettings;
  /** @internal */
  protected _pending: PendingLoginStore;
  /** @internal The account of the login being handled (set on a per-request copy only). */
  protected _loginDomain: string | undefined;
  /** @internal The fixed account's token client, shared by every login (it holds no state). */
  protected _fixedOAuth2: AgileCRMOAuth2 | undefined;

  // The VerifyContext overloads come first so that unannotated verify functions get parameter
  // types in every form; see VerifyContext in verify.ts. Merging them would undo that.
  /* eslint-disable @typescript-eslint/unified-signatures */
  constructor(options: StrategyOptions, verify: VerifyContext);
  constructor(options: StrategyOptions, verify: VerifyFunction);
  constructor(options: StrategyOptionsWithRequest, verify: VerifyContextWithRequest);
  constructor(options: StrategyOptionsWithRequest, verify: VerifyFunctionWithRequest);
  /* eslint-enable @typescript-eslint/unified-signatures */
  constructor(
    options: StrategyOptions | StrategyOptionsWithRequest,
    verify: VerifyFunction | VerifyFunctionWithRequest,
  ) {
    const checked = checkOptions(options, verify);
    const endpoints = new EndpointTemplates(options, 'AgileCRMStrategy');
    const start =
      endpoints.fixedDomain === undefined
        ? endpoints.templates
        : endpoints.for(endpoints.fixedDomain);
    super(
      {
        authorizationURL: start.authorizationURL,
        tokenURL: start.tokenURL,
        clientID: checked.clientID,
        clientSecret: checked.clientSecret,
        callbackURL: options.callbackURL,
        scope: options.scope,
        scopeSeparator: options.scopeSeparator,
        skipUserProfile: options.skipUserProfile,
        proxy: options.proxy,
        state: true,
        pkce: checked.pkce,
        // The adapter below takes req first and dispatches to the caller's form.
        passReqToCallback: true,
      },
      adaptVerify(verify, options.passReqToCallback === true),
    );
    this._endpoints = endpoints;
    this._client = {
      clientID: checked.clientID,
      clientSecret: checked.clientSecret,
      clientAuthentication: checked.clientAuthentication,
      timeout: checked.timeout,
      ...(options.agent ? { agent: options.agent } : {}),
    };
    this._pending =
      options.store ??
      new SessionPendingLoginStore({ key: options.sessionKey ?? 'agilecrm:pending' });
    this._loginDomain = endpoints.fixedDomain;
    if (endpoints.fixedDomain !== undefined) {
      this._fixedOAuth2 = this._oauth2For(endpoints.fixedDomain);
      this._oauth2 = this._fixedOAuth2;
    }
  }

  /**
   * Starts a login (redirect to Agile CRM) or finishes one (the callback with `code` or `error`).
   * Called by passport; `options.domain` picks the account when the strategy has no fixed one.
   */
  override authenticate(req: Request, options: AuthenticateOptions = {}): void {
    const query = isRecord(req.query) ? req.query : {};
    if (query['error'] !== undefined) {
      this._authorizationDenied(req, query);
      return;
    }
    const body: Record<string, unknown> = isRecord(req.body) ? req.body : {};
    const code = query['code'] ?? body['code'];
    if (code !== undefined) {
      this._finishLogin(req, options, code, query['state'] ?? body['state']);
      return;
    }
    this._startLogin(req, options);
  }

  /** Fetches the Agile CRM user for `accessToken` and builds the profile. */
  override userProfile(
    accessToken: string,
    done: (err?: unknown, profile?: AgileCRMProfile) => void,
  ): void {
    const domain = this._loginDomain;
    if (domain === undefined) {
      process.nextTick(
        done,
        new Error('userProfile() needs a fixed domain option on this strategy'),
      );
      return;
    }
    fetchProfile({
      profileURL: this._endpoints.for(domain).profileURL,
      authorization: `Bearer ${accessToken}`,
      domain,
      timeout: this._client.timeout,
      ...(this._client.agent ? { agent: this._client.agent } : {}),
    }).then(
      (profile) => process.nextTick(done, null, profile),
      (err: unknown) => process.nextTick(done, err),
    );
  }

  /**
   * Trades a refresh token for a new token set at the account's token endpoint.
   *
   * @example
   * const tokens = await strategy.refresh(user.refreshToken, { domain: user.domain });
   */
  async refresh(refreshToken: string, options: { domain?: string } = {}): Promise<TokenSet> {
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      throw new TypeError('refresh() needs a refresh token string');
    }
    const domain = this._domainFor(options.domain, 'refresh()');
    const params = { grant_type: 'refresh_token', refresh_token: refreshToken };
    return requestToken(this._endpoints.for(domain).tokenURL, params, this._client);
  }

  /**
   * Revokes an access or refresh token (RFC 7009). Rejects when no `revokeURL` is configured:
   * Agile CRM documents no revocation endpoint.
   */
  async revoke(
    token: string,
    options: { domain?: string; tokenTypeHint?: 'access_token' | 'refresh_token' } = {},
  ): Promise<void> {
    if (typeof token !== 'string' || token === '')
      throw new TypeError('revoke() needs a token string');
    const domain = this._domainFor(options.domain, 'revoke()');
    const revokeURL = this._endpoints.for(domain).revokeURL;
    if (revokeURL === undefined) {
      throw new Error(
        'revoke() needs the revokeURL option: Agile CRM documents no revocation endpoint',
      );
    }
    const params: Record<string, string> = { token };
    if (options.tokenTypeHint) params['token_type_hint'] = options.tokenTypeHint;
    await revokeToken(revokeURL, params, this._client);
  }

  /**
   * @internal passport-oauth2 wraps every token failure in a generic InternalOAuthError; the
   * errors from this package's token request already say exactly what happened.
   */
  _createOAuthError(message: string, err: unknown): Error {
    return err instanceof Error ? err : new InternalOAuthError(message, err);
  }

  private _startLogin(req: Request, options: AuthenticateOptions): void {
    const fixed = this._endpoints.fixedDomain;
    const requested = options.domain === undefined ? undefined : normalizeDomain(options.domain);
    const domain = requested ?? fixed;
    if (domain === undefined || (options.domain !== undefined && requested === undefined)) {
      this.fail(
        { message: 'Enter a valid Agile CRM account name (the "acme" in acme.agilecrm.com).' },
        400,
      );
      return;
    }
    if (fixed !== undefined && domain !== fixed) {
      this.fail({ message: `This login is for the Agile CRM account "${fixed}".` }, 400);
      return;
    }
    const scoped = this._scoped(options.state);
    scoped._oauth2 = this._oauth2For(domain);
    scoped._loginDomain = domain;
    OAuth2Strategy.prototype.authenticate.call(scoped, req, { ...options, state: undefined });
  }

  private _finishLogin(
    req: Request,
    options: AuthenticateOptions,
    code: unknown,
    state: unknown,
  ): void {
    if (typeof code !== 'string' || code === '' || code.length > MAX_CODE_LENGTH) {
      this.fail({ message: MALFORMED }, 400);
      return;
    }
    if (typeof state !== 'string' || state === '') {
      this.fail({ message: INVALID_STATE }, 403);
      return;
    }
    // passport-oauth2 also reads code and state from req; both were checked to be strings above.
    OAuth2Strategy.prototype.authenticate.call(this._scoped(options.state), req, {
      ...options,
      state: undefined,
    });
  }

  private _authorizationDenied(req: Request, query: Record<string, unknown>): void {
    const { error, state } = query;
    const description =
      typeof query['error_description'] === 'string' ? query['error_description'] : undefined;
    const uri = typeof query['error_uri'] === 'string' ? query['error_uri'] : undefined;
    // The login ends here either way, so its pending state is used up.
    if (typeof state === 'string') this._pending.take(req, state).catch(() => undefined);
    if (typeof error !== 'string') {
      this.fail({ message: MALFORMED }, 400);
    } else if (error === 'access_denied') {
      this.fail({ message: description ?? 'Access to Agile CRM was denied.' }, 403);
    } else {
      // passport-oauth2's AuthorizationError keeps an undefined message as is; say what failed.
      const message = description ?? `Agile CRM refused the login: ${error.slice(0, 100)}`;
      this.error(new AuthorizationError(message, error, uri));
    }
  }

  /**
   * A per-request copy whose state store and endpoints belong to this login only, so concurrent
   * logins to different accounts never share mutable state.
   */
  private _scoped(appState: unknown): this {
    // passport already runs authenticate() on a fresh Object.create(strategy) per request: use
    // that copy. Deriving one more object from it made the copy a prototype and gave each
    // request's object a map of its own, so every property access in passport-oauth2 went
    // megamorphic (the redirect step took twice the CPU). A direct call on the instance still
    // gets a copy.
    const scoped = Object.hasOwn(this, '_endpoints') ? (Object.create(this) as this) : this;
    const pending = this._pending;
    scoped._stateStore = {
      store(req, verifier, _state, _meta, done) {
        const domain = scoped._loginDomain as string;
        pending
          .save(req, {
            domain,
            ...(verifier ? { codeVerifier: verifier } : {}),
            ...(appState === undefined ? {} : { appState }),
          })
          .then(
            (handle) => process.nextTick(done, null, handle),
            (err: unknown) => process.nextTick(done, err),
          );
      },
      verify(req, handle, done) {
        pending.take(req, handle).then(
          (login) => {
            if (login === undefined) {
              process.nextTick(done, null, false, { message: INVALID_STATE });
              return;
            }
            // The token request goes to the account stored with the state, never to one named by the callback.
            scoped._loginDomain = login.domain;
            scoped._oauth2 = scoped._oauth2For(login.domain);
            process.nextTick(done, null, login.codeVerifier ?? true, login.appState);
          },
          (err: unknown) => process.nextTick(done, err),
        );
      },
    };
    return scoped;
  }

  private _oauth2For(domain: string): AgileCRMOAuth2 {
    if (domain === this._endpoints.fixedDomain && this._fixedOAuth2) return this._fixedOAuth2;
    const endpoints = this._endpoints.for(domain);
    return new AgileCRMOAuth2(endpoints.authorizationURL, endpoints.tokenURL, this._client);
  }

  private _domainFor(requested: unknown, what: string): string {
    const fixed = this._endpoints.fixedDomain;
    if (requested === undefined) {
      if (fixed === undefined)
        throw new TypeError(`${what} needs { domain }: this strategy serves several accounts`);
      return fixed;
    }
    const domain = normalizeDomain(requested);
    if (domain === undefined) throw new TypeError(`${what} got an invalid Agile CRM account name`);
    if (fixed !== undefined && domain !== fixed) {
      throw new TypeError(`${what} got account "${domain}" but this strategy is for "${fixed}"`);
    }
    return domain;
  }
}

export type {
  AuthenticateOptions,
  StrategyOptions,
  StrategyOptionsBase,
  StrategyOptionsWithRequest,
} from './strategy-options';
export type { TokenParams, VerifyCallback };
