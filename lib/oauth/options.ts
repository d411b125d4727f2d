/**
 * Options of the OAuth strategy: their types and the checks made at construction.
 */
import type { Agent } from 'node:http';
import { isRecord } from '../http/json';
import { checkRequestSettings, type RequestSettings } from '../http/transport';
import type { EndpointOptions } from '../shared/endpoints';
import type { PendingLoginStore } from './pending-logins/pending-login';
import type { ClientAuthentication } from './token-endpoint';

/** Options shared by both verify styles. See the README's options table. */
export interface StrategyOptionsBase extends EndpointOptions {
  clientID: string;
  clientSecret: string;
  /** Where Agile CRM sends the user back; relative paths resolve against the request. */
  callbackURL?: string | undefined;
  scope?: string | string[] | undefined;
  /** Joins an array `scope`. Default `' '`. */
  scopeSeparator?: string | undefined;
  /** Server-side state (CSRF protection) is always on; `false` is refused. */
  state?: true | undefined;
  /** PKCE with S256. Default `true`. */
  pkce?: boolean | undefined;
  /** Bound on every request to Agile CRM in milliseconds. Default 10000. */
  timeout?: number | undefined;
  /** Default `'client_secret_post'`. */
  clientAuthentication?: ClientAuthentication | undefined;
  /**
   * As passport-oauth2: `true`, or a function deciding per access token (answering through
   * `done`, or returning the answer when it takes one parameter), skips the profile request.
   */
  skipUserProfile?:
    | boolean
    | ((accessToken: string, done: (err: unknown, skip?: boolean) => void) => void)
    | ((accessToken: string) => boolean)
    | undefined;
  /** Where pending logins are kept. Default: the session, see {@link SessionPendingLoginStore}. */
  store?: PendingLoginStore | undefined;
  /** Session property used by the default store. Default `'agilecrm:pending'`. */
  sessionKey?: string | undefined;
  /** Trust `X-Forwarded-*` when resolving a relative `callbackURL`. */
  proxy?: boolean | undefined;
  /** HTTP agent for requests to Agile CRM (proxy, private CA). Default: a keep-alive agent. */
  agent?: Agent | undefined;
}

/** Options when the verify function does not take `req`. */
export interface StrategyOptions extends StrategyOptionsBase {
  passReqToCallback?: false | undefined;
}

/** Options when the verify function takes `req` first. */
export interface StrategyOptionsWithRequest extends StrategyOptionsBase {
  passReqToCallback: true;
}

/** Options accepted by `passport.authenticate('agilecrm', options)`. */
export interface AuthenticateOptions {
  /** The account to log in to, when the strategy has no fixed `domain`. Validated. */
  domain?: unknown;
  /** Application state returned in `info.state` after the callback. */
  state?: unknown;
  scope?: string | string[];
  callbackURL?: string;
  [option: string]: unknown;
}

/** The options every login needs, checked and with defaults applied. */
interface CheckedOptions {
  clientID: string;
  clientSecret: string;
  pkce: boolean;
  requestSettings: RequestSettings;
  clientAuthentication: ClientAuthentication;
}

/**
 * Checks the constructor's arguments synchronously, each failure a `TypeError` with its own
 * message, before anything else is built.
 */
export function checkOptions(options: unknown, verify: unknown): CheckedOptions {
  if (!isRecord(options)) throw new TypeError('AgileCRMStrategy requires an options object');
  if (typeof verify !== 'function')
    throw new TypeError('AgileCRMStrategy requires a verify callback');
  const { clientID, clientSecret, state, pkce = true } = options;
  const clientAuthentication = options['clientAuthentication'] ?? 'client_secret_post';
  if (typeof clientID !== 'string' || clientID === '') {
    throw new TypeError('AgileCRMStrategy requires a clientID option');
  }
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    throw new TypeError('AgileCRMStrategy requires a clientSecret option');
  }
  if (state !== undefined && state !== true) {
    throw new TypeError(
      'AgileCRMStrategy always checks state (CSRF protection); the state option cannot be turned off',
    );
  }
  if (typeof pkce !== 'boolean')
    throw new TypeError('AgileCRMStrategy pkce option must be true or false');
  const requestSettings = checkRequestSettings(options, 'AgileCRMStrategy');
  if (
    clientAuthentication !== 'client_secret_post' &&
    clientAuthentication !== 'client_secret_basic'
  ) {
    throw new TypeError(
      'AgileCRMStrategy clientAuthentication must be "client_secret_post" or "client_secret_basic"',
    );
  }
  return { clientID, clientSecret, pkce, requestSettings, clientAuthentication };
}

/**
 * passport-oauth2's `skipUserProfile` for one access token: `true`, a function answering through
 * a callback, or (with fewer than two parameters) a function whose return value decides.
 */
export function skipsProfile(
  skip: StrategyOptionsBase['skipUserProfile'],
  accessToken: string,
): boolean | Promise<boolean> {
  if (typeof skip !== 'function') return skip === true;
  if (skip.length < 2) return Boolean((skip as (accessToken: string) => boolean)(accessToken));
  const ask = skip as (accessToken: string, done: (err: unknown, skip?: boolean) => void) => void;
  return new Promise((resolve, reject) => {
    ask(accessToken, (err, skipIt) => (err ? reject(err) : resolve(Boolean(skipIt))));
  });
}
