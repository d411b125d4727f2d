/**
 * The `redirect_uri` of a login: the `callbackURL` option, resolved against the request when it
 * is relative, exactly as passport-oauth2 resolves it.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parse, resolve } from 'node:url';

/** What the resolution reads from a request; Express's `req` has all of it. */
export interface CallbackRequest extends Pick<IncomingMessage, 'headers' | 'url' | 'socket'> {
  app?: { get?: (setting: string) => unknown };
}

/**
 * A `callbackURL` option, resolved per request. passport-oauth2 parses the option and resolves
 * it against the request's URL on every request (about 8 µs, twice per login); a path such as
 * `/auth/callback` depends only on the request's origin, so its result is kept for the last one.
 */
export class CallbackURL {
  readonly #url: string | undefined;
  readonly #trustProxy: boolean;
  readonly #relative: boolean;
  /** Resolves against the origin only: a path, not one relative to the request's own path. */
  readonly #originOnly: boolean;
  #lastOrigin = '';
  #lastResolved = '';

  constructor(url: string | undefined, trustProxy: boolean) {
    const configured = url === '' ? undefined : url;
    this.#url = configured;
    this.#trustProxy = trustProxy;
    this.#relative = configured !== undefined && isRelative(configured);
    this.#originOnly = this.#relative && configured?.startsWith('/') === true;
  }

  /** The absolute callback URL for `req`, or `undefined` when none is configured. */
  for(req: CallbackRequest): string | undefined {
    const url = this.#url;
    if (url === undefined || !this.#relative) return url;
    const origin = requestOrigin(req, this.#trustProxy);
    const path = req.url ?? '';
    if (!this.#originOnly || !path.startsWith('/')) return resolve(origin + path, url);
    if (origin !== this.#lastOrigin) {
      this.#lastResolved = resolve(`${origin}/`, url);
      this.#lastOrigin = origin;
    }
    return this.#lastResolved;
  }
}

/** `url` resolved against `req` the same way, without keeping anything. */
export function resolveCallbackURL(req: CallbackRequest, url: string, trustProxy: boolean): string {
  return isRelative(url) ? resolve(requestOrigin(req, trustProxy) + (req.url ?? ''), url) : url;
}

function isRelative(url: string): boolean {
  return !parse(url).protocol;
}

/**
 * Scheme and host the client used, as passport-oauth2's `originalURL` reads them: the
 * `X-Forwarded-*` headers count only with the `proxy` option or Express's `trust proxy`.
 */
function requestOrigin(req: CallbackRequest, proxyOption: boolean): string {
  const { headers } = req;
  const forwardedProto = headers['x-forwarded-proto'];
  const forwardedHost = headers['x-forwarded-host'];
  // Only forwarded headers need the trust setting, which costs an Express settings lookup.
  const trustProxy =
    (forwardedProto !== undefined || forwardedHost !== undefined) &&
    (proxyOption || Boolean(req.app?.get?.('trust proxy')));
  const tls =
    (req.socket as Partial<TLSSocket> | null)?.encrypted === true ||
    (trustProxy &&
      String(forwardedProto)
        .toLowerCase()
        .split(/\s*,\s*/)[0] === 'https');
  const host = (trustProxy && forwardedHost) || headers.host;
  return `${tls ? 'https' : 'http'}://${String(host)}`;
}
