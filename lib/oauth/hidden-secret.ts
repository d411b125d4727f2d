/**
 * Keeps a secret that an object must hold as a plain property out of what logs print.
 *
 * passport-oauth2 keeps the client secret in `this._oauth2._clientSecret`, where
 * `util.inspect(strategy)`, `console.log(passport)` and `JSON.stringify(strategy)` show it. A
 * `#private` field cannot take its place: passport runs each request on `Object.create(strategy)`
 * and subclasses read `this._oauth2` directly, so the property must stay readable by name.
 */

/**
 * Turns `target[key]` into a non-enumerable getter and setter over the same value: code that
 * reads or assigns it works as before, while `JSON.stringify`, object spread and `util.inspect`
 * (also with `showHidden`, which prints `[Getter/Setter]`) no longer show the value.
 */
export function hideSecretProperty(target: object, key: string): void {
  let value: unknown = Reflect.get(target, key);
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: false,
    get: () => value,
    set: (next: unknown) => {
      value = next;
    },
  });
}
