/**
 * passport-agilecrm: "Log in with Agile CRM" for Passport.
 *
 * @packageDocumentation
 */
// Types only: `export type` keeps the augmentation in index.d.ts without loading an empty module
// at run time (a plain `import './oauth/passport-augment'` would add a require()).
export type {} from './oauth/passport-augment';

// "Log in with Agile CRM" (OAuth 2.0): oauth/
export { Strategy, Strategy as AgileCRMStrategy } from './oauth/strategy';
export type {
  StrategyOptions,
  StrategyOptionsWithRequest,
  StrategyOptionsBase,
  AuthenticateOptions,
} from './oauth/options';
export type {
  VerifyFunction,
  VerifyFunctionWithRequest,
  VerifyAsync,
  VerifyWithProfile,
  VerifyWithParams,
  VerifyAsyncWithRequest,
  VerifyWithProfileAndRequest,
  VerifyWithParamsAndRequest,
  TokenParams,
} from './oauth/verify';
export type { TokenSet, ClientAuthentication } from './oauth/token-endpoint';
export type {
  PendingLogin,
  PendingLoginStore,
  PendingLimits,
} from './oauth/pending-logins/pending-login';
export {
  SessionPendingLoginStore,
  type SessionPendingLoginStoreOptions,
} from './oauth/pending-logins/session-store';
export {
  CookiePendingLoginStore,
  type CookiePendingLoginStoreOptions,
} from './oauth/pending-logins/cookie-store';
export { TokenError, AuthorizationError, InternalOAuthError } from 'passport-oauth2';

// Login with an account, email and REST API key: api-key/
export {
  ApiKeyStrategy,
  type ApiKeyStrategyOptions,
  type ApiKeyStrategyOptionsWithRequest,
  type ApiKeyStrategyOptionsBase,
} from './api-key/strategy';
export type { ApiKeyCredentials } from './api-key/credentials';
export type { ApiKeyVerifyFunction, ApiKeyVerifyFunctionWithRequest } from './api-key/verify';

// The REST API client: client/
export {
  AgileCRMClient,
  type AgileCRMClientOptions,
  type AgileCRMCredentials,
  type AgileCRMTokenCredentials,
  type AgileCRMApiKeyCredentials,
  type AgileCRMMethod,
  type AgileCRMRequestOptions,
} from './client/client';
export {
  contactProperty,
  contactFirstName,
  contactLastName,
  contactEmail,
  type AgileCRMContact,
  type AgileCRMContactProperty,
  type AgileCRMContactPage,
} from './client/contacts';

// What all of them share: the errors of talking to Agile CRM (http/), account names, the user
// profile and the verify callback (shared/)
export {
  AgileCRMError,
  AgileCRMAPIError,
  AgileCRMRequestError,
  AgileCRMResponseError,
  AGILECRM_API_ERROR,
  AGILECRM_REQUEST_ERROR,
  AGILECRM_RESPONSE_ERROR,
  type RequestFailure,
} from './http/errors';
export { normalizeDomain } from './shared/domain';
export type { AgileCRMProfile, AgileCRMUser } from './shared/profile';
export type { VerifyCallback, VerifyResult } from './shared/verify-call';
