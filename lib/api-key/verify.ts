/**
 * The verify callback forms the API-key strategy accepts, and the adapter that calls each one.
 */
import type { Request } from 'express';
import type { AgileCRMProfile } from '../shared/profile';
import type { VerifyResult } from '../oauth/verify';
import { callVerify, type VerifyCallback } from '../shared/verify-call';

/** What the user entered, after validation: the account, their login email and REST API key. */
export interface ApiKeyCredentials {
  /** The Agile CRM account, lowercased (the `acme` of `acme.agilecrm.com`). */
  domain: string;
  email: string;
  apiKey: string;
}

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

/**
 * Calls `verify` with `(profile, credentials, done)` (`req` first with `passReqToCallback`), in
 * the form {@link callVerify} reads from its `length`, and reports the outcome to `done` exactly
 * once, on a later tick.
 */
export function callApiKeyVerify(
  verify: ApiKeyVerifyFunction | ApiKeyVerifyFunctionWithRequest,
  passReqToCallback: boolean,
  req: Request,
  profile: AgileCRMProfile,
  credentials: ApiKeyCredentials,
  done: VerifyCallback,
): void {
  callVerify(
    verify,
    passReqToCallback ? [req, profile, credentials] : [profile, credentials],
    done,
  );
}
