/**
 * Calls to Agile CRM on behalf of the logged-in user: builds an AgileCRMClient from the
 * session's credentials and keeps OAuth tokens fresh. An access token is refreshed before use
 * when it has expired, and once more when Agile CRM answers 401; the new tokens are sealed back
 * into the session.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { AgileCRMAPIError, AgileCRMClient, TokenError, type Strategy } from 'passport-agilecrm';
import {
  loadCredentials,
  saveCredentials,
  type Credentials,
  type OAuthCredentials,
} from './credentials';
import { currentUser, type SessionUser } from './session-user';
import type { TokenVault } from './token-vault';

/** How long a refresh result is reused by requests that still hold the old refresh token. */
const REUSE_MS = 30_000;

/** The user's Agile CRM login is over (credentials refused or unreadable): log them out. */
export class SessionEndedError extends Error {
  override readonly name = 'SessionEndedError';
}

/** What {@link AgileCRMAccess} needs. */
export interface AgileCRMAccessOptions {
  strategy: Strategy;
  vault: TokenVault;
  baseURL?: string | undefined;
  timeout?: number | undefined;
  /** Told about each refresh (the account only, never a token). */
  log?: ((line: string) => void) | undefined;
  /** Refresh this long before `expiresAt`, in milliseconds, so a token does not expire in flight. */
  expirySkew?: number | undefined;
}

/** Runs API calls with the session's credentials. */
export class AgileCRMAccess {
  private readonly _options: AgileCRMAccessOptions;
  // One refresh per session at a time: refresh tokens rotate, so a second concurrent refresh
  // with the same token would fail and log the user out.
  private readonly _refreshing = new Map<string, Promise<OAuthCredentials>>();

  constructor(options: AgileCRMAccessOptions) {
    this._options = options;
  }

  /**
   * Calls `fn` with a client for the logged-in user. Rejects with {@link SessionEndedError} when
   * the user must log in again; other errors (Agile CRM unreachable, 5xx) pass through.
   */
  async call<T>(req: Request, fn: (client: AgileCRMClient) => Promise<T>): Promise<T> {
    const user = currentUser(req);
    if (user === undefined) throw new SessionEndedError('not logged in');
    let credentials = loadCredentials(req, this._options.vault, user);
    if (credentials === undefined) throw new SessionEndedError('credentials missing');
    if (credentials.kind === 'oauth' && this._isExpired(credentials)) {
      credentials = await this._refresh(req, user, credentials);
    }
    const client = this._client(req, user, credentials);
    try {
      return await fn(client);
    } catch (err) {
      // A 401 that survived the one refresh-and-retry (or an API key that was revoked).
      if (err instanceof AgileCRMAPIError && err.status === 401) {
        throw new SessionEndedError('Agile CRM refused the credentials', { cause: err });
      }
      throw err;
    }
  }

  private _client(req: Request, user: SessionUser, credentials: Credentials): AgileCRMClient {
    const options = {
      baseURL: this._options.baseURL,
      timeout: this._options.timeout,
    };
    if (credentials.kind === 'apikey') {
      return new AgileCRMClient(
        { domain: user.domain, email: credentials.email, apiKey: credentials.apiKey },
        options,
      );
    }
    let current = credentials;
    return new AgileCRMClient(
      { domain: user.domain, accessToken: credentials.accessToken },
      {
        ...options,
        onUnauthorized:
          credentials.refreshToken === undefined
            ? undefined
            : async () => {
                current = await this._refresh(req, user, current);
                return current.accessToken;
              },
      },
    );
  }

  private _isExpired(credentials: OAuthCredentials): boolean {
    if (credentials.expiresAt === undefined || credentials.refreshToken === undefined) return false;
    return credentials.expiresAt - (this._options.expirySkew ?? 5000) <= Date.now();
  }

  /**
   * Refreshes the tokens of `credentials`. Refresh tokens may rotate (the old one stops working),
   * so requests of one session that hold the same refresh token share one refresh, and its result
   * stays available for a short while to requests that started before it was stored. Each
   * request seals the result into its own copy of the session, so whichever saves last still
   * stores the new tokens.
   */
  private async _refresh(
    req: Request,
    user: SessionUser,
    credentials: OAuthCredentials,
  ): Promise<OAuthCredentials> {
    const key = `${req.sessionID}:${fingerprint(credentials.refreshToken ?? '')}`;
    let refreshing = this._refreshing.get(key);
    if (refreshing === undefined) {
      refreshing = this._doRefresh(user, credentials);
      this._refreshing.set(key, refreshing);
      refreshing.then(
        () => setTimeout(() => this._refreshing.delete(key), REUSE_MS).unref(),
        () => this._refreshing.delete(key),
      );
    }
    let fresh: OAuthCredentials;
    try {
      fresh = await refreshing;
    } catch (err) {
      const stored =
        err instanceof SessionEndedError
          ? await this._refreshedElsewhere(req, user, credentials)
          : undefined;
      if (stored === undefined) throw err;
      return stored;
    }
    saveCredentials(req, this._options.vault, user, fresh);
    return fresh;
  }

  /**
   * After a refused refresh: another request (or another app instance sharing the store) may have
   * refreshed and rotated the token first. Its tokens are in the stored session if so.
   */
  private async _refreshedElsewhere(
    req: Request,
    user: SessionUser,
    credentials: OAuthCredentials,
  ): Promise<OAuthCredentials | undefined> {
    const reloaded = await new Promise<boolean>((resolve) => {
      req.session.reload((err: unknown) => resolve(!err));
    });
    if (!reloaded) return undefined;
    const stored = loadCredentials(req, this._options.vault, user);
    return stored?.kind === 'oauth' && stored.refreshToken !== credentials.refreshToken
      ? stored
      : undefined;
  }

  private async _doRefresh(
    user: SessionUser,
    credentials: OAuthCredentials,
  ): Promise<OAuthCredentials> {
    const { refreshToken } = credentials;
    if (refreshToken === undefined) throw new SessionEndedError('no refresh token');
    let fresh: OAuthCredentials;
    try {
      const set = await this._options.strategy.refresh(refreshToken, { domain: user.domain });
      fresh = {
        kind: 'oauth',
        accessToken: set.accessToken,
        // Agile CRM may rotate refresh tokens; keep the old one when it does not.
        refreshToken: set.refreshToken ?? refreshToken,
        expiresAt: set.expiresAt,
      };
    } catch (err) {
      // The grant is gone (expired, revoked, rotated away): only a new login helps. Anything
      // else (Agile CRM down, 5xx) is passed on and the user stays logged in to retry.
      if (
        err instanceof TokenError ||
        (err instanceof AgileCRMAPIError && (err.status === 400 || err.status === 401))
      ) {
        throw new SessionEndedError('refresh refused', { cause: err });
      }
      throw err;
    }
    this._options.log?.(`Access token refreshed for Agile CRM account "${user.domain}"`);
    return fresh;
  }
}

/** A short hash, so map keys never hold a usable refresh token. */
function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 22);
}
