/**
 * Login with an Agile CRM account, login email and REST API key: Agile CRM's documented
 * authentication (HTTP Basic), checked against the current-user endpoint.
 */
import type { Agent } from 'node:http';
import type { Request } from 'express';
import { Strategy as PassportStrategy } from 'passport-strategy';
import { AgileCRMAPIError } from '../http/errors';
import { isRecord } from '../http/json';
import { checkRequestSettings, type RequestSettings } from '../http/transport';
import { fetchProfile } from '../shared/current-user';
import { normalizeDomain } from '../shared/domain';
import { EndpointTemplates } from '../shared/endpoints';
import type { AgileCRMProfile } from '../shared/profile';
import { callVerify } from '../shared/verify-call';
import {
  basicAuthorization,
  isUsableApiKey,
  isUsableEmail,
  type ApiKeyCredentials,
} from './credentials';
import type { ApiKeyVerifyFunction, ApiKeyVerifyFunctionWithRequest } from './verify';

/** Options shared by both verify styles; docs/api-key.md describes each. */
export interface ApiKeyStrategyOptionsBase {
  /** The one account users log in to; when omitted it is read from the request body. */
  domain?: string | undefined;
  /** Body field holding the account name. Default `'domain'`. */
  domainField?: string | undefined;
  /** Body field holding the login email. Default `'email'`. */
  emailField?: string | undefined;
  /** Body field holding the REST API key. Default `'apiKey'`. */
  apiKeyField?: string | undefined;
  /** Origin template; `{domain}` is substituted. Default `https://{domain}.agilecrm.com`. */
  baseURL?: string | undefined;
  /** Current-user endpoint template. Default `{baseURL}/dev/api/users/current-user`. */
  profileURL?: string | undefined;
  /** Bound on the request to Agile CRM in milliseconds. Default 10000. */
  timeout?: number | undefined;
  /** HTTP agent for requests to Agile CRM (proxy, private CA). Default: a keep-alive agent. */
  agent?: Agent | undefined;
}

/** Options when the verify function does not take `req`. */
export interface ApiKeyStrategyOptions extends ApiKeyStrategyOptionsBase {
  passReqToCallback?: false | undefined;
}

/** Options when the verify function takes `req` first. */
export interface ApiKeyStrategyOptionsWithRequest extends ApiKeyStrategyOptionsBase {
  passReqToCallback: true;
}

const OWNER = 'ApiKeyStrategy';
const INVALID_KEY = 'Invalid Agile CRM email or API key';
const BAD_DOMAIN = 'Enter a valid Agile CRM account name (the "acme" in acme.agilecrm.com).';
const BAD_EMAIL = 'Enter the email address you log in to Agile CRM with.';
const BAD_API_KEY =
  'Enter your Agile CRM REST API key (Admin Settings, API & Analytics, "API Key for REST client").';
const NO_BODY = 'Send your Agile CRM account, email and API key as a form or JSON body.';

/**
 * Passport strategy that logs a user in with their Agile CRM account name, login email and REST
 * API key, registered as `'agilecrm-apikey'`. Credentials are read from `req.body` only.
 *
 * @example
 * app.use(express.urlencoded({ extended: false }));
 * passport.use(new ApiKeyStrategy(async (profile, credentials) => users.upsert(profile)));
 * app.post('/login/apikey', passport.authenticate('agilecrm-apikey', { failureRedirect: '/login' }));
 */
export class ApiKeyStrategy extends PassportStrategy {
  /** Passport's name for this strategy. */
  name = 'agilecrm-apikey';

  // TypeScript `private` rather than `#private`: passport calls authenticate() on
  // Object.create(strategy), where #private brand checks would throw.
  private _endpoints: EndpointTemplates;
  private _fields: { domain: string; email: string; apiKey: string };
  private _requestSettings: RequestSettings;
  private _passReq: boolean;
  private _verify: ApiKeyVerifyFunction | ApiKeyVerifyFunctionWithRequest;

  constructor(verify: ApiKeyVerifyFunction);
  constructor(options: ApiKeyStrategyOptions, verify: ApiKeyVerifyFunction);
  constructor(options: ApiKeyStrategyOptionsWithRequest, verify: ApiKeyVerifyFunctionWithRequest);
  constructor(
    optionsOrVerify:
      ApiKeyStrategyOptions | ApiKeyStrategyOptionsWithRequest | ApiKeyVerifyFunction,
    maybeVerify?: ApiKeyVerifyFunction | ApiKeyVerifyFunctionWithRequest,
  ) {
    super();
    const options: ApiKeyStrategyOptionsBase & { passReqToCallback?: boolean | undefined } =
      typeof optionsOrVerify === 'function' ? {} : optionsOrVerify;
    const verify = typeof optionsOrVerify === 'function' ? optionsOrVerify : maybeVerify;
    if (!isRecord(optionsOrVerify) && typeof optionsOrVerify !== 'function') {
      throw new TypeError(`${OWNER} options must be an object`);
    }
    if (typeof verify !== 'function') throw new TypeError(`${OWNER} requires a verify callback`);
    this._endpoints = new EndpointTemplates(
      { domain: options.domain, baseURL: options.baseURL, profileURL: options.profileURL },
      OWNER,
    );
    this._fields = {
      domain: fieldName(options.domainField, 'domainField', 'domain'),
      email: fieldName(options.emailField, 'emailField', 'email'),
      apiKey: fieldName(options.apiKeyField, 'apiKeyField', 'apiKey'),
    };
    this._requestSettings = checkRequestSettings(options, OWNER);
    this._passReq = options.passReqToCallback === true;
    this._verify = verify;
  }

  /**
   * Validates the submitted credentials, checks them with Agile CRM and hands the profile to the
   * verify function. Called by passport.
   */
  override authenticate(req: Request): void {
    const read = this._readCredentials(req);
    if (read instanceof Error) {
      this.error(read);
      return;
    }
    if (typeof read === 'string') {
      this.fail({ message: read }, 400);
      return;
    }
    const credentials = read;
    fetchProfile({
      profileURL: this._endpoints.for(credentials.domain).profileURL,
      authorization: basicAuthorization(credentials.email, credentials.apiKey),
      domain: credentials.domain,
      ...this._requestSettings,
    }).then(
      (profile) => this._verified(req, profile, credentials),
      (err: unknown) => {
        if (err instanceof AgileCRMAPIError && err.status === 401) {
          this.fail({ message: INVALID_KEY }, 401);
        } else {
          this.error(err instanceof Error ? err : new Error(String(err)));
        }
      },
    );
  }

  private _verified(req: Request, profile: AgileCRMProfile, credentials: ApiKeyCredentials): void {
    const args = this._passReq ? [req, profile, credentials] : [profile, credentials];
    callVerify(this._verify, args, (err, user, info) => {
      if (err) this.error(err instanceof Error ? err : new Error(String(err)));
      else if (!user) this.fail(info ?? { message: 'Login refused' }, 401);
      else this.success(user, info);
    });
  }

  /** The credentials, a failure message for the user, or an Error for the developer. */
  private _readCredentials(req: Request): ApiKeyCredentials | string | Error {
    const body: unknown = req.body;
    if (body === undefined) {
      // body-parser defines req.body once it has run, even when it parsed nothing; a request it
      // never saw has no body property at all. Only the latter is a setup mistake.
      if (!('body' in req)) {
        return new TypeError(
          `${OWNER} reads credentials from req.body, which is not set: add a body parser such as express.urlencoded({ extended: false }) or express.json() before passport.authenticate('agilecrm-apikey')`,
        );
      }
      return NO_BODY;
    }
    if (!isRecord(body)) return NO_BODY;
    const fixed = this._endpoints.fixedDomain;
    const typedDomain = text(body[this._fields.domain]);
    const domain = typedDomain === '' && fixed !== undefined ? fixed : normalizeDomain(typedDomain);
    if (domain === undefined) return BAD_DOMAIN;
    if (fixed !== undefined && domain !== fixed) {
      return `This login is for the Agile CRM account "${fixed}".`;
    }
    const email = text(body[this._fields.email]);
    if (!isUsableEmail(email)) return BAD_EMAIL;
    const apiKey = text(body[this._fields.apiKey]);
    if (!isUsableApiKey(apiKey)) return BAD_API_KEY;
    return { domain, email, apiKey };
  }
}

/** A trimmed string field, or `''` for anything else (missing, arrays from `a[]=`, objects). */
function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function fieldName(value: unknown, what: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${OWNER} ${what} option must be a non-empty string`);
  }
  return value;
}
