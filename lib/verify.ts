/**
 * The verify callback forms the OAuth strategy accepts, and the adapter that calls each one.
 */
import type { Request } from 'express';
import type { AgileCRMProfile } from './profile';

/** Called by a verify function: an error, the user (or `false` to fail the login), and info. */
export type VerifyCallback = (err?: unknown, user?: Express.User | false, info?: object) => void;

/** The parsed token response handed to the five-argument verify forms. */
export type TokenParams = Record<string, unknown>;

/** What an async verify function may resolve to: the user, or `false`/`null` to fail. */
export type VerifyResult = Express.User | false | null | undefined;

/** Verify forms used without `passReqToCallback`. */
export type VerifyFunction =
  | ((
      accessToken: string,
      refreshToken: string | undefined,
      profile: AgileCRMProfile,
    ) => Promise<VerifyResult>)
  | ((
      accessToken: string,
      refreshToken: string | undefined,
      profile: AgileCRMProfile,
      done: VerifyCallback,
    ) => void)
  | ((
      accessToken: string,
      refreshToken: string | undefined,
      params: TokenParams,
      profile: AgileCRMProfile,
      done: VerifyCallback,
    ) => void);

/** Verify forms used with `passReqToCallback: true`. */
export type VerifyFunctionWithRequest =
  | ((
      req: Request,
      accessToken: string,
      refreshToken: string | undefined,
      profile: AgileCRMProfile,
    ) => Promise<VerifyResult>)
  | ((
      req: Request,
      accessToken: string,
      refreshToken: string | undefined,
      profile: AgileCRMProfile,
      done: VerifyCallback,
    ) => void)
  | ((
      req: Request,
      accessToken: string,
      refreshToken: string | undefined,
      params: TokenParams,
      profile: AgileCRMProfile,
      done: VerifyCallback,
    ) => void);

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Returns one six-argument function `(req, accessToken, refreshToken, params, profile, done)`
 * that calls `verify` in the form its arity declares:
 * one fewer argument than the callback form means the promise form.
 */
export function adaptVerify(
  verify: VerifyFunction | VerifyFunctionWithRequest,
  passReqToCallback: boolean,
): (
  req: Request,
  at: string,
  rt: string | undefined,
  params: TokenParams,
  profile: AgileCRMProfile,
  done: VerifyCallback,
) => void {
  const fn = verify as AnyFunction;
  const lead = passReqToCallback ? 1 : 0;
  const arity = fn.length;
  return (req, accessToken, refreshToken, params, profile, done) => {
    const head: unknown[] = passReqToCallback
      ? [req, accessToken, refreshToken]
      : [accessToken, refreshToken];
    if (arity === lead + 5) {
      fn(...head, params, profile, done);
    } else if (arity === lead + 3) {
      settlePromise(() => fn(...head, profile), done);
    } else {
      fn(...head, profile, done);
    }
  };
}

function settlePromise(call: () => unknown, done: VerifyCallback): void {
  Promise.resolve()
    .then(call)
    .then(
      // nextTick keeps exceptions thrown by passport's success handling out of this chain.
      (user) => process.nextTick(done, null, user === null || user === undefined ? false : user),
      (err: unknown) => process.nextTick(done, err),
    );
}
