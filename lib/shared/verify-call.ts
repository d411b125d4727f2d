/**
 * Calls an application's verify function, in whichever form it was written, and reports exactly
 * one outcome. Shared by both strategies.
 */

/** Called by a verify function: an error, the user (or `false` to fail the login), and info. */
export type VerifyCallback = (err?: unknown, user?: Express.User | false, info?: object) => void;

/** What an async verify function may resolve to: the user, or `false`/`null` to fail. */
export type VerifyResult = Express.User | false | null | undefined;

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Calls `verify(...args, done)` and reports its outcome to `done` exactly once, on a later tick.
 *
 * Every function gets `done` appended, as passport-oauth2 passes it. A function that declares
 * `done` (its `length` is above `args.length`) is the callback form: its outcome is what it
 * passes to `done`, or a rejection of its promise before that. A function that declares fewer
 * parameters may still call `done`: its declared `length` stops at a default or rest parameter
 * (NestJS's `PassportStrategy` hands over `async (...params) => ...`, whose length is 0), and
 * wrappers declare none. So for those the first of `done`, a returned value or the resolution
 * of a returned promise (the user; `false`, `null` or `undefined` fail the login) and a rejection
 * or synchronous throw (an error) ends the login.
 *
 * Whatever a verify function does after the login has ended (a second `done`, a resolution) is
 * ignored; its errors are left unhandled, as they would be without this wrapper, rather than
 * ending the login a second time. Reporting on a later tick keeps exceptions thrown by
 * passport's success handling out of the verify function's own `try` blocks and promises.
 */
export function callVerify(verify: unknown, args: readonly unknown[], done: VerifyCallback): void {
  const fn = verify as AnyFunction;
  const declaresDone = fn.length > args.length;
  let settled = false;
  const settle: VerifyCallback = (err, user, info) => {
    if (settled) return;
    settled = true;
    process.nextTick(done, err, user, info);
  };
  const failLate = (err: unknown): void => {
    if (settled) leaveUnhandled(err);
    else settle(err);
  };
  let result: unknown;
  try {
    result = fn(...args, settle);
  } catch (err) {
    failLate(err);
    return;
  }
  if (isThenable(result)) {
    result.then((user) => {
      if (!declaresDone) settle(null, asUser(user));
    }, failLate);
  } else if (!declaresDone && result !== undefined) {
    // A plain function returning the user: a callback-form function returns nothing.
    settle(null, asUser(result));
  }
}

/** `null` and `undefined` (nothing found) fail the login like `false`. */
function asUser(value: unknown): Express.User | false {
  return value === null || value === undefined ? false : (value as Express.User | false);
}

/** Raises `err` as an unhandled rejection: the login it belonged to has already ended. */
function leaveUnhandled(err: unknown): void {
  void Promise.reject(err);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
