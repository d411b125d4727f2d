/**
 * What every variant app needs to reach the provider (the emulator), handed down by the runner.
 */

/** The provider's location and the OAuth client, identical for all variants. */
export interface ProviderSettings {
  /** The emulator's origin, e.g. `https://127.0.0.1:40123`. */
  origin: string;
  /** The Agile CRM account logged in to. */
  domain: string;
  clientID: string;
  clientSecret: string;
  /** PEM of the emulator's self-signed certificate. */
  ca: string;
}

/** The redirect target of every variant; relative, resolved against the request's Host. */
export const CALLBACK_PATH = '/auth/callback';

/** The three provider endpoints of one account. */
export function endpointsOf(settings: ProviderSettings): {
  authorizationURL: string;
  tokenURL: string;
  profileURL: string;
} {
  const base = `${settings.origin}/${settings.domain}`;
  return {
    authorizationURL: `${base}/oauth/authorize`,
    tokenURL: `${base}/oauth/token`,
    profileURL: `${base}/dev/api/users/current-user`,
  };
}
