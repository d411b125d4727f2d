/**
 * The verify callback forms the API-key strategy accepts, and the adapter that calls each one.
 */
import type { Request } from 'express';
import type { AgileCRMProfile } from './profile';
import { settlePromise, type VerifyCallback, type VerifyResult } from './verify';

/** What the user entered, after validation: the account, their login email and REST API key. */
export interface ApiKeyCredentials {
  /** The Agile CRM account, lowercased (the `acme` of `acme.agilecrm.com`). */
  domain: string;
  email: string;
  apiKey: string;
}

/**
 * Verify function used without `passReqToCallback`: either `(profile, credentials, done)`, or an
 * async `(profile, credentials) => user` (a function that does not declare `done` is awaited).
 * One call signature (rather than a union of forms) lets TypeScript type every parameter of
 * either form without annotations.
 */
export type ApiKeyVerifyFunction = (
  profile: AgileCRMProfile,
  credentials: ApiKeyCredentials,
  done: VerifyCallback,
  // The callback form returns nothing; the async form returns the user's promise.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
) => Promise<VerifyResult> | void;

/**
 * Verify function used with `passReqToCallback: true`: `(req, profile, credentials, done)` or an
 * async `(req, profile, credentials) => user`.
 */
export type ApiKeyVerifyFunctionWithRequest = (
  req: Request,
  profile: AgileCRMProfile,
  credentials: ApiKeyCredentials,
  done: VerifyCallback,
  // The callback form returns nothing; the async form returns the user's promise.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
) => Promise<VerifyResult> | void;

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Calls `verify` in the form its arity declares (a function that does not take `done` is the
 * promise form) and reports the outcome to `done` exactly once, on a later tick.
 */
export function callApiKeyVerify(
  verify: ApiKeyVerifyFunction | ApiKeyVerifyFunctionWithRequest,
  passReqToCallback: boolean,
  req: Request,
  profile: AgileCRMProfile,
  credentials: ApiKeyCredentials,
  done: VerifyCallback,
): void {
  const fn = verify as AnyFunction;
  const args: unknown[] = passReqToCallback ? [req, profile, credentials] : [profile, credentials];
  if (fn.length <= args.length) {
    settlePromise(() => fn(...args), done);
    return;
  }
  let settled = false;
  const once: VerifyCallback = (err, user, info) => {
    if (settled) return;
    settled = true;
    // nextTick keeps exceptions thrown by passport's success handling out of the verify call.
    process.nextTick(done, err, user, info);
  };
  try {
    fn(...args, once);
  } catch (err) {
    once(err);
  }
}
