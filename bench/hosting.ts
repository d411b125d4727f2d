/**
 * How a variant app is served.
 *
 * Express 5 sets the prototype of each request and response, as it arrives, to the app's own
 * (`app.request`, `app.response`). V8 then gives every one of those objects a hidden class of its
 * own, so each property a middleware later adds to `req` or `res` is a slow store that allocates a
 * new hidden class, and each first read of a property misses every inline cache. passport adds
 * seven properties to `req` on every request, express-session three; what that costs is measured
 * in bench/README.md.
 *
 * - `classes`: the server creates requests and responses whose prototypes already are
 *   `app.request` and `app.response` (Express documents both as the app's extension points).
 *   Express's prototype change is then a no-op and the objects keep shared hidden classes.
 * - `listen`: `app.listen()`, as most apps start.
 */
import * as http from 'node:http';
import type { Express } from 'express';

/** The ways a variant app can be served. */
export type Hosting = 'classes' | 'listen';

/** All hostings, the default first. */
export const HOSTINGS: readonly Hosting[] = ['classes', 'listen'];

/** How each hosting is described in the bench's output. */
export const HOSTING_LABELS: Readonly<Record<Hosting, string>> = {
  classes: "with request and response classes on Express's prototypes",
  listen: 'by app.listen()',
};

/** An HTTP server (not yet listening) for `app`, served the `hosting` way. */
export function createAppServer(app: Express, hosting: Hosting): http.Server {
  if (hosting === 'listen') return http.createServer(app);
  return http.createServer(
    {
      IncomingMessage: withPrototype<typeof http.IncomingMessage>(
        http.IncomingMessage,
        app.request,
      ),
      ServerResponse: withPrototype<typeof http.ServerResponse>(http.ServerResponse, app.response),
    },
    app,
  );
}

// A plain constructor function, because a class's `prototype` cannot be replaced. Node's
// IncomingMessage and ServerResponse are constructor functions themselves, so applying one to
// `this` initializes the object exactly as `new` would, arguments and all.
function withPrototype<C extends new (...args: never[]) => object>(base: C, prototype: object): C {
  function Constructed(this: object, ...args: unknown[]): void {
    Reflect.apply(base, this, args);
  }
  Constructed.prototype = prototype;
  return Constructed as unknown as C;
}
