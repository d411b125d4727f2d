/**
 * The logged-in user's Agile CRM credentials, sealed with the token vault into the session.
 * They never go into a cookie (the cookie only carries the signed session id) or a page.
 */
import type { Request } from 'express';
import type { SessionUser } from './session-user';
import type { TokenVault } from './token-vault';

/** OAuth tokens of a "Log in with Agile CRM" user. */
export interface OAuthCredentials {
  kind: 'oauth';
  accessToken: string;
  refreshToken?: string | undefined;
  /** Epoch milliseconds. */
  expiresAt?: number | undefined;
}

/** Email and REST API key of a user who connected with the API-key form. */
export interface ApiKeyCredentials {
  kind: 'apikey';
  email: string;
  apiKey: string;
}

/** Either kind. */
export type Credentials = OAuthCredentials | ApiKeyCredentials;

/** A user together with their credentials: what the verify functions produce. */
export interface LoginResult {
  user: SessionUser;
  credentials: Credentials;
}

// Binds sealed credentials to their user, so a sealed value copied into another user's
// session does not open.
function contextOf(user: SessionUser): string {
  return `${user.via}:${user.domain}:${user.id}`;
}

/** Seals `credentials` into `req.session`. */
export function saveCredentials(
  req: Request,
  vault: TokenVault,
  user: SessionUser,
  credentials: Credentials,
): void {
  req.session.credentials = vault.seal(credentials, contextOf(user));
}

/** Opens the credentials in `req.session`; `undefined` when absent or not openable. */
export function loadCredentials(
  req: Request,
  vault: TokenVault,
  user: SessionUser,
): Credentials | undefined {
  const value = vault.open(req.session.credentials, contextOf(user));
  return isCredentials(value) ? value : undefined;
}

function isCredentials(value: unknown): value is Credentials {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v['kind'] === 'oauth') return typeof v['accessToken'] === 'string';
  return (
    v['kind'] === 'apikey' && typeof v['email'] === 'string' && typeof v['apiKey'] === 'string'
  );
}
