/**
 * The verify callback forms the API-key strategy accepts. The strategy calls either form through
 * `callVerify` (shared/verify-call.ts), which reads from its `length` whether it takes `done`.
 */
import type { Request } from 'express';
import type { AgileCRMProfile } from '../shared/profile';
import type { VerifyCallback, VerifyResult } from '../shared/verify-call';
import type { ApiKeyCredentials } from './credentials';

/**
 * Verify function used without `passReqToCallback`: either `(profile, credentials, done)`, or an
 * async `(profile, credentials) => user`. A function that does not declare `done` still gets it,
 * as passport-oauth2 passes it, and the first of `done` and its promise ends the login.
 * One call signature (rather than a union of forms) lets TypeScript type every parameter of
 * either form without annotations.
 */
export type ApiKeyVerifyFunction = (
  profile: AgileCRMProfile,
  credentials: ApiKeyCredentials,
  done: VerifyCallback,
  // The callback form returns nothing (or, when async, a promise of nothing); the async form
  // returns the user's promise.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
) => Promise<VerifyResult | void> | void;

/**
 * Verify function used with `passReqToCallback: true`: `(req, profile, credentials, done)` or an
 * async `(req, profile, credentials) => user`.
 */
export type ApiKeyVerifyFunctionWithRequest = (
  req: Request,
  profile: AgileCRMProfile,
  credentials: ApiKeyCredentials,
  done: VerifyCallback,
  // The callback form returns nothing (or, when async, a promise of nothing); the async form
  // returns the user's promise.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
) => Promise<VerifyResult | void> | void;
