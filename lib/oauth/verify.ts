/**
 * The verify callback forms the OAuth strategy accepts, and the adapter that calls each one.
 */
import type { Request } from 'express';
import type { AgileCRMProfile } from '../shared/profile';
import { callVerify, type VerifyCallback, type VerifyResult } from '../shared/verify-call';

/** The parsed token response handed to the five-argument verify forms. */
export type TokenParams = Record<string, unknown>;

/** `async (accessToken, refreshToken, profile) => user`: resolves to the user, or `false`. */
export type VerifyAsync = (
  accessToken: string,
  refreshToken: string | undefined,
  profile: AgileCRMProfile,
) => Promise<VerifyResult>;

/** `(accessToken, refreshToken, profile, done)`: passport-oauth2's usual form. */
export type VerifyWithProfile = (
  accessToken: string,
  refreshToken: string | undefined,
  profile: AgileCRMProfile,
  done: VerifyCallback,
) => void;

/** `(accessToken, refreshToken, params, profile, done)`: also receives the token response. */
export type VerifyWithParams = (
  accessToken: string,
  refreshToken: string | undefined,
  params: TokenParams,
  profile: AgileCRMProfile,
  done: VerifyCallback,
) => void;

/** {@link VerifyAsync} with `req` first (`passReqToCallback: true`). */
export type VerifyAsyncWithRequest = (
  req: Request,
  accessToken: string,
  refreshToken: string | undefined,
  profile: AgileCRMProfile,
) => Promise<VerifyResult>;

/** {@link VerifyWithProfile} with `req` first (`passReqToCallback: true`). */
export type VerifyWithProfileAndRequest = (
  req: Request,
  accessToken: string,
  refreshToken: string | undefined,
  profile: AgileCRMProfile,
  done: VerifyCallback,
) => void;

/** {@link VerifyWithParams} with `req` first (`passReqToCallback: true`). */
export type VerifyWithParamsAndRequest = (
  req: Request,
  accessToken: string,
  refreshToken: string | undefined,
  params: TokenParams,
  profile: AgileCRMProfile,
  done: VerifyCallback,
) => void;

/**
 * Verify forms used without `passReqToCallback`. The strategy's constructor has one overload
 * per form, because a union of function types gives unannotated parameters no type.
 */
export type VerifyFunction = VerifyAsync | VerifyWithProfile | VerifyWithParams;

/** Verify forms used with `passReqToCallback: true`. */
export type VerifyFunctionWithRequest =
  VerifyAsyncWithRequest | VerifyWithProfileAndRequest | VerifyWithParamsAndRequest;

/**
 * A call signature that is never called. Paired with a verify form that takes one more
 * parameter, it hides that form from TypeScript's parameter typing of shorter functions; see
 * {@link VerifyContext}.
 */
type ShorterThan4 = <Marker>(a: Marker, b: Marker, c: Marker) => void;
type ShorterThan5 = <Marker>(a: Marker, b: Marker, c: Marker, d: Marker) => void;
type ShorterThan6 = <Marker>(a: Marker, b: Marker, c: Marker, d: Marker, e: Marker) => void;

/**
 * Where TypeScript reads the parameter types of an unannotated verify function.
 *
 * TypeScript types the parameters of an unannotated function from the first overload only, and a
 * union of function types types them only when exactly one member has enough parameters (a
 * 3-parameter function matches all three forms). Here each longer form also carries a generic
 * signature one parameter shorter; for any function shorter than the form TypeScript then sees
 * two unlike signatures and skips that member, so exactly one form types each arity. The next
 * overload, with the plain {@link VerifyFunction} union, is the one a call usually resolves to.
 * Only the strategy's constructor overloads use it; the package does not export its name.
 */
export type VerifyContext =
  VerifyAsync | (VerifyWithProfile & ShorterThan4) | (VerifyWithParams & ShorterThan5);

/** {@link VerifyContext} for `passReqToCallback: true`. */
export type VerifyContextWithRequest =
  | VerifyAsyncWithRequest
  | (VerifyWithProfileAndRequest & ShorterThan5)
  | (VerifyWithParamsAndRequest & ShorterThan6);

/**
 * The one form the strategy calls: every verify form, adapted by {@link adaptVerify}.
 * `profile` is `undefined` when `skipUserProfile` skipped the profile request.
 */
export type LoginVerify = (
  req: Request,
  accessToken: string,
  refreshToken: string | undefined,
  params: TokenParams,
  profile: AgileCRMProfile | undefined,
  done: VerifyCallback,
) => void;

/**
 * Returns one six-argument function `(req, accessToken, refreshToken, params, profile, done)`
 * that calls `verify` the way passport-oauth2 does: with the token response too when it declares
 * five parameters (six with `req`), and otherwise with `(accessToken, refreshToken, profile,
 * done)`. {@link callVerify} decides from the rest of its `length` whether its promise counts.
 */
export function adaptVerify(
  verify: VerifyFunction | VerifyFunctionWithRequest,
  passReqToCallback: boolean,
): LoginVerify {
  const takesParams = verify.length >= (passReqToCallback ? 6 : 5);
  return (req, accessToken, refreshToken, params, profile, done) => {
    const head: unknown[] = passReqToCallback
      ? [req, accessToken, refreshToken]
      : [accessToken, refreshToken];
    const args = takesParams ? [...head, params, profile] : [...head, profile];
    callVerify(verify, args, done);
  };
}
