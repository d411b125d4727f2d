/**
 * "Log in with Agile CRM": a passport-oauth2 strategy for Agile CRM accounts.
 */
import type { Request } from 'express';
import OAuth2Strategy from 'passport-oauth2';
import { isRecord } from '../http/json';
import type { RequestSettings } from '../http/transport';
import { fetchProfile, type CurrentUserRequest } from '../shared/current-user';
import { normalizeDomain } from '../shared/domain';
import { EndpointTemplates } from '../shared/endpoints';
import type { AgileCRMProfile } from '../shared/profile';
import type { VerifyCallback } from '../shared/verify-call';
import { authorizationDenial } from './authorization-denied';
import {
  authorizationQuery,
  authorizationRedirect,
  newCodeVerifier,
} from './authorization-request';
import { CallbackURL, resolveCallbackURL } from './callback-url';
import { hideSecretProperty } from './hidden-secret';
import {
  checkOptions,
  skipsProfile,
  type AuthenticateOptions,
  type StrategyOptions,
  type StrategyOptionsBase,
  type StrategyOptionsWithRequest,
} from './options';
import type { PendingLogin, PendingLoginStore } from './pending-logins/pending-login';
import { SessionPendingLoginStore } from './pending-logins/session-store';
import { requestToken, revokeToken, type AppCredentials, type TokenSet } from './token-endpoint';
import {
  adaptVerify,
  type LoginVerify,
  type VerifyContext,
  type VerifyContextWithRequest,
  type VerifyFunction,
  type VerifyFunctionWithRequest,
} from './verify';

/** A login whose code was exchanged: what the verify function is called with. */
interface RedeemedLogin {
  login: PendingLogin;
  tokens: TokenSet;
  profile: AgileCRMProfile | undefined;
}

const MAX_CODE_LENGTH = 4096;
const INVALID_STATE = 'Invalid or expired login state; please start the login again.';
const MALFORMED = 'Malformed authorization response from Agile CRM.';

/**
 * Passport strategy for "Log in with Agile CRM" (OAuth 2.0 authorization code flow with state
 * and PKCE), registered as `'agilecrm'`.
 *
 * It subclasses passport-oauth2 and keeps its conventions (`authorizationParams`, `tokenParams`,
 * `userProfile`, `skipUserProfile`, the verify forms, `info.state`), but runs the login itself:
 * the state store keeps the account with each login, every request to Agile CRM has a deadline,
 * and the redirect and callback skip passport-oauth2's URL parsing and formatting on each step.
 *
 * @example
 * passport.use(new Strategy(
 *   { clientID, clientSecret, callbackURL: '/auth/agilecrm/callback', domain: 'acme' },
 *   async (accessToken, refreshToken, profile) => users.upsert(profile),
 * ));
 */
export class Strategy extends OAuth2Strategy {
  override name = 'agilecrm';

  // TypeScript `private` rather than `#private`: passport calls authenticate() on
  // Object.create(strategy), where #private brand checks would throw.
  private _endpoints: EndpointTemplates;
  private _credentials: AppCredentials;
  private _requestSettings: RequestSettings;
  private _pending: PendingLoginStore;
  /** The account of the login being handled (set on a per-request copy only). */
  private _loginDomain: string | undefined;
  private _callback: CallbackURL;
  private _options: Pick<StrategyOptionsBase, 'scope' | 'skipUserProfile' | 'proxy'> & {
    scopeSeparator: string;
    pkce: boolean;
  };
  /** The verify function, adapted to one form. */
  private _verifyLogin: LoginVerify;

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
    const verifyLogin = adaptVerify(verify, options.passReqToCallback === true);
    // passport-oauth2's own fields (`_oauth2` for subclasses' requests, `_callbackURL`, ...) are
    // set up as usual; the login itself runs in authenticate() below.
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
        passReqToCallback: true,
      },
      verifyLogin,
    );
    this._endpoints = endpoints;
    this._credentials = {
      clientID: checked.clientID,
      clientSecret: checked.clientSecret,
      clientAuthentication: checked.clientAuthentication,
    };
    this._requestSettings = checked.requestSettings;
    // Apps log strategies, and passport, which holds them: no client secret in what they print.
    hideSecretProperty(this._oauth2, '_clientSecret');
    hideSecretProperty(this._credentials, 'clientSecret');
    this._pending =
      options.store ??
      new SessionPendingLoginStore({ key: options.sessionKey ?? 'agilecrm:pending' });
    this._loginDomain = endpoints.fixedDomain;
    this._callback = new CallbackURL(options.callbackURL, options.proxy === true);
    this._options = {
      scope: options.scope,
      scopeSeparator: options.scopeSeparator ?? ' ',
      skipUserProfile: options.skipUserProfile,
      proxy: options.proxy,
      pkce: checked.pkce,
    };
    this._verifyLogin = verifyLogin;
  }

  /**
   * Starts a login (redirect to Agile CRM) or finishes one (the callback with `code` or `error`).
   * Called by passport; `options.domain` picks the account when the strategy has no fixed one.
   */
  override authenticate(req: Request, options: AuthenticateOptions = {}): void {
    // Read once: Express 5 parses the query string again on every read of req.query.
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
    fetchProfile(this._profileRequest(accessToken, domain)).then(
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
    return requestToken(
      this._endpoints.for(domain).tokenURL,
      params,
      this._credentials,
      this._requestSettings,
    );
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
    await revokeToken(revokeURL, params, this._credentials, this._requestSettings);
  }

  /** Stores a pending login and sends the browser to the account's authorization endpoint. */
  private _startLogin(req: Request, options: AuthenticateOptions): void {
    const domain = this._accountToStart(options);
    if (domain === undefined) return;
    const callbackURL = this._callbackURLFor(req, options);
    if (callbackURL === null) return;
    const login: PendingLogin = { domain };
    if (this._options.pkce) login.codeVerifier = newCodeVerifier();
    if (options.state !== undefined) login.appState = options.state;
    const params = authorizationQuery(this.authorizationParams(options), {
      callbackURL,
      scope: options.scope ?? this._options.scope,
      scopeSeparator: this._options.scopeSeparator,
      codeVerifier: login.codeVerifier,
    });
    const { authorizationURL } = this._endpoints.for(domain);
    this._pending.save(req, login).then(
      (handle) => {
        params['state'] = handle;
        params['client_id'] = this._credentials.clientID;
        // nextTick keeps exceptions thrown while redirecting out of this promise chain.
        process.nextTick(() => this.redirect(authorizationRedirect(authorizationURL, params)));
      },
      (err: unknown) => process.nextTick(() => this.error(err)),
    );
  }

  /** The account a new login goes to, or `undefined` after failing the login. */
  private _accountToStart(options: AuthenticateOptions): string | undefined {
    const fixed = this._endpoints.fixedDomain;
    const requested = options.domain === undefined ? undefined : normalizeDomain(options.domain);
    const domain = requested ?? fixed;
    if (domain === undefined || (options.domain !== undefined && requested === undefined)) {
      this.fail(
        { message: 'Enter a valid Agile CRM account name (the "acme" in acme.agilecrm.com).' },
        400,
      );
      return undefined;
    }
    if (fixed !== undefined && domain !== fixed) {
      this.fail({ message: `This login is for the Agile CRM account "${fixed}".` }, 400);
      return undefined;
    }
    return domain;
  }

  /** Checks the callback, redeems its code and hands the result to the verify function. */
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
    const callbackURL = this._callbackURLFor(req, options);
    if (callbackURL === null) return;
    // passport already runs authenticate() on a fresh Object.create(strategy) per request; a
    // direct call on the instance gets a copy, so the login's account never leaks to another.
    const self = Object.hasOwn(this, '_endpoints') ? (Object.create(this) as this) : this;
    self._redeem(req, options, code, state, callbackURL).then(
      (redeemed) => {
        if (redeemed === undefined) {
          process.nextTick(() => self.fail({ message: INVALID_STATE }, 403));
        } else {
          process.nextTick(() => self._verifyRedeemed(req, redeemed));
        }
      },
      (err: unknown) => process.nextTick(() => self.error(err)),
    );
  }

  /**
   * Takes the pending login named by `state`, exchanges the code at that login's account (never
   * one named by the callback) and loads the profile; `undefined` for an unknown or used state.
   */
  private async _redeem(
    req: Request,
    options: AuthenticateOptions,
    code: string,
    state: string,
    callbackURL: string | undefined,
  ): Promise<RedeemedLogin | undefined> {
    const login = await this._pending.take(req, state);
    if (login === undefined) return undefined;
    const params: Record<string, string> = {
      ...(this.tokenParams(options) as Record<string, string>),
      grant_type: 'authorization_code',
    };
    if (callbackURL !== undefined) params['redirect_uri'] = callbackURL;
    if (login.codeVerifier !== undefined) params['code_verifier'] = login.codeVerifier;
    params['code'] = code;
    const tokens = await requestToken(
      this._endpoints.for(login.domain).tokenURL,
      params,
      this._credentials,
      this._requestSettings,
    );
    this._loginDomain = login.domain;
    const skip = skipsProfile(this._options.skipUserProfile, tokens.accessToken);
    const profile =
      skip === true || (skip !== false && (await skip))
        ? undefined
        : await this._loadProfile(tokens.accessToken, login.domain);
    return { login, tokens, profile };
  }

  /**
   * The profile for this login. A subclass's `userProfile()` is called the way passport-oauth2
   * calls it; this class's own request is awaited directly, without a detour through a callback.
   */
  private _loadProfile(accessToken: string, domain: string): Promise<AgileCRMProfile | undefined> {
    if (this.userProfile === Strategy.prototype.userProfile) {
      return fetchProfile(this._profileRequest(accessToken, domain));
    }
    return new Promise((resolve, reject) => {
      this.userProfile(accessToken, (err, loaded) => (err ? reject(err) : resolve(loaded)));
    });
  }

  private _profileRequest(accessToken: string, domain: string): CurrentUserRequest {
    return {
      profileURL: this._endpoints.for(domain).profileURL,
      authorization: `Bearer ${accessToken}`,
      domain,
      ...this._requestSettings,
    };
  }

  /** Calls the verify function and ends the login with its answer. */
  private _verifyRedeemed(req: Request, { login, tokens, profile }: RedeemedLogin): void {
    const verified: VerifyCallback = (err, user, info) => {
      if (err) {
        this.error(err);
      } else if (!user) {
        this.fail(info);
      } else {
        const { appState } = login;
        this.success(user, appState === undefined ? (info ?? {}) : { ...info, state: appState });
      }
    };
    // Like node-oauth, hand the verify function the token response without the refresh token.
    const { refresh_token: _omitted, ...params } = tokens.params;
    try {
      this._verifyLogin(req, tokens.accessToken, tokens.refreshToken, params, profile, verified);
    } catch (err) {
      this.error(err);
    }
  }

  private _authorizationDenied(req: Request, query: Record<string, unknown>): void {
    const { error, state } = query;
    // The login ends here either way, so its pending state is used up. Whether there was one
    // decides if the callback's own words may be shown: anyone can send a browser this link.
    const pending =
      typeof state === 'string' && state !== ''
        ? Promise.resolve()
            .then(() => this._pending.take(req, state))
            .then(
              (login) => login !== undefined,
              () => false,
            )
        : Promise.resolve(false);
    void pending.then((trusted) =>
      process.nextTick(() => {
        if (typeof error !== 'string') {
          this.fail({ message: MALFORMED }, 400);
          return;
        }
        const denial = authorizationDenial(error, query, trusted);
        if ('error' in denial) this.error(denial.error);
        else this.fail(denial.fail, denial.status);
      }),
    );
  }

  /**
   * The `redirect_uri` for this request: `options.callbackURL` or the configured one, resolved
   * against the request when relative. `null` after failing the login: a relative callbackURL
   * cannot be resolved against a Host header that is no host name.
   */
  private _callbackURLFor(req: Request, options: AuthenticateOptions): string | undefined | null {
    const override = options.callbackURL;
    try {
      if (typeof override === 'string' && override !== '') {
        return resolveCallbackURL(req, override, this._options.proxy === true);
      }
      return this._callback.for(req);
    } catch {
      this.fail({ message: 'The request has an invalid Host header.' }, 400);
      return null;
    }
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
