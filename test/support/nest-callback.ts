/**
 * The verify function NestJS's `PassportStrategy` mixin hands a strategy (without
 * `callbackArity`): `async (...params)` whose declared length is 0, which takes `done` from the
 * end of whatever it is called with and passes it what `validate` returns or throws.
 */
export function nestPassportCallback(
  validate: (...args: unknown[]) => unknown,
): (...params: unknown[]) => Promise<void> {
  return async (...params) => {
    const done = params[params.length - 1] as (err: unknown, user?: unknown) => void;
    try {
      done(null, await validate(...params));
    } catch (err) {
      done(err, null);
    }
  };
}
