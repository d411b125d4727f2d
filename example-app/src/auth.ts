/**
 * Passport for this app: the OAuth strategy ("Log in with Agile CRM"), the API-key strategy,
 * and how users go into and come out of the session. Each app gets its own Passport instance,
 * so several apps can run in one process (tests do).
 *
 * Pending logins (state, PKCE verifier, account, returnTo) travel in a sealed cookie rather than
 * the session: starting a login stores nothing on the server, and the callback can land on any
 * instance of the app.
 */
import passport from 'passport';
import {
  ApiKeyStrategy,
  CookiePendingLoginStore,
  Strategy,
  type TokenParams,
} from 'passport-agilecrm';
import type { LoginResult } from './credentials';
import { isSessionUser, toSessionUser } from './session-user';

/** The Agile CRM side of the app's configuration. */
export interface AgileCRMConfig {
  clientID: string;
  clientSecret: string;
  /** Account prefilled in the login forms. */
  defaultDomain: string;
  /** Origin template with `{domain}`; default Agile CRM's own. */
  baseURL?: string | undefined;
  /** Token revocation endpoint; Agile CRM documents none, the emulator has one. */
  revokeURL?: string | undefined;
  /** Bound on each request to Agile CRM, in milliseconds. */
  timeout?: number | undefined;
}

/** The configured Passport instance and the OAuth strategy (used again for refresh and revoke). */
export interface AuthSetup {
  passport: passport.PassportStatic;
  oauth: Strategy;
}

/**
 * Sets up Passport with both strategies. `pendingLoginSecret` (32+ characters) seals the
 * pending-login cookie; a key of its own is derived from it, so it may be the session secret.
 */
export function createAuth(
  config: AgileCRMConfig,
  callbackURL: string,
  pendingLoginSecret: string,
): AuthSetup {
  const instance = new passport.Passport() as passport.PassportStatic;
  const endpoints = {
    ...(config.baseURL === undefined ? {} : { baseURL: config.baseURL }),
    ...(config.timeout === undefined ? {} : { timeout: config.timeout }),
  };
  const oauth = new Strategy(
    {
      clientID: config.clientID,
      clientSecret: config.clientSecret,
      callbackURL,
      ...endpoints,
      ...(config.revokeURL === undefined ? {} : { revokeURL: config.revokeURL }),
      store: new CookiePendingLoginStore({ secret: pendingLoginSecret }),
    },
    (
      accessToken: string,
      refreshToken: string | undefined,
      params: TokenParams,
      profile,
      done,
    ): void => {
      const result: LoginResult = {
        user: toSessionUser(profile, 'oauth'),
        credentials: { kind: 'oauth', accessToken, refreshToken, expiresAt: expiresAt(params) },
      };
      done(null, result);
    },
  );
  instance.use(oauth);
  instance.use(
    new ApiKeyStrategy(endpoints, async (profile, credentials) => {
      const result: LoginResult = {
        user: toSessionUser(profile, 'apikey'),
        credentials: { kind: 'apikey', email: credentials.email, apiKey: credentials.apiKey },
      };
      return result;
    }),
  );
  // Only the small user record goes into the session; credentials are sealed separately.
  instance.serializeUser((user, done) => {
    if (isSessionUser(user)) done(null, user);
    else done(new Error('Only a session user can be stored in the session'));
  });
  instance.deserializeUser((stored: unknown, done) => {
    done(null, isSessionUser(stored) ? stored : false);
  });
  return { passport: instance, oauth };
}

function expiresAt(params: TokenParams): number | undefined {
  const seconds = Number(params['expires_in']);
  return params['expires_in'] !== undefined && Number.isFinite(seconds) && seconds >= 0
    ? Date.now() + seconds * 1000
    : undefined;
}
