/**
 * A node-oauth `OAuth2` whose token request goes through this package's transport.
 *
 * passport-oauth2 drives the login flow through `this._oauth2`; replacing only that object keeps
 * its flow (state, PKCE, verify dispatch) while gaining timeouts, correct UTF-8 and typed errors.
 */
import { OAuth2, type oauth2tokenCallback } from 'oauth';
import { requestToken, type ClientSettings } from './token-endpoint';

/** One account's endpoints, shaped the way passport-oauth2 expects `this._oauth2`. */
export class AgileCRMOAuth2 extends OAuth2 {
  readonly #tokenURL: string;
  readonly #client: ClientSettings;

  constructor(authorizationURL: string, tokenURL: string, client: ClientSettings) {
    super(client.clientID, client.clientSecret, '', authorizationURL, tokenURL);
    this.#tokenURL = tokenURL;
    this.#client = client;
  }

  /** Exchanges an authorization code, answering in node-oauth's callback form. */
  override getOAuthAccessToken(
    code: string,
    params: Record<string, string>,
    callback: oauth2tokenCallback,
  ): void;
  override getOAuthAccessToken(code: string, callback: oauth2tokenCallback): void;
  override getOAuthAccessToken(
    code: string,
    paramsOrCallback: Record<string, string> | oauth2tokenCallback,
    maybeCallback?: oauth2tokenCallback,
  ): void {
    const params = typeof paramsOrCallback === 'function' ? {} : paramsOrCallback;
    const callback = typeof paramsOrCallback === 'function' ? paramsOrCallback : maybeCallback;
    if (callback === undefined) throw new TypeError('getOAuthAccessToken() needs a callback');
    requestToken(this.#tokenURL, { ...params, code }, this.#client).then(
      (tokens) => {
        // Like node-oauth, hand the verify callback the response without the refresh token.
        const { refresh_token: _omitted, ...rest } = tokens.params;
        // nextTick keeps exceptions thrown by the rest of the login out of this promise chain.
        process.nextTick(callback, null, tokens.accessToken, tokens.refreshToken, rest);
      },
      (err: unknown) =>
        process.nextTick(callback, err instanceof Error ? err : new Error(String(err))),
    );
  }
}
