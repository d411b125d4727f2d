/**
 * The `redirect_uri` of a login: the `callbackURL` option, resolved against the request when it
 * is relative, exactly as passport-oauth2 resolves it.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parse, resolve } from 'node:url';
import { isHostAndPort } from './host-header';

/** What the resolution reads from a request; Express's `req` has all of it. */
export interface CallbackRequest extends Pick<IncomingMessage, 'headers' | 'url' | 'socket'> {
  app?: { get?: (setting: string) => unknown };
}

/**
 * A `callbackURL` option, resolved per request. passport-oauth2 parses the option and resolves
 * it against the request's URL on every request, twice per login; a path such as
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

  /**
   * The absolute callback URL for `req`, or `undefined` when none is configured. Throws a
   * `TypeError` when a relative one meets a Host or X-Forwarded-* header that is malformed.
   */
  for(req: CallbackRequest): string | undefined {
    const url = this.#url;
    if (url === undefined || !this.#relative) return url;
    const origin = requestOrigin(req, this.#trustProxy);
    if (!this.#originOnly) return resolve(origin + requestPath(req), url);
    if (origin !== this.#lastOrigin) {
      this.#lastResolved = resolve(`${origin}/`, url);
      this.#lastOrigin = origin;
    }
    return this.#lastResolved;
  }
}

/** `url` resolved against `req` the same way, without keeping anything. */
export function resolveCallbackURL(req: CallbackRequest, url: string, trustProxy: boolean): string {
  return isRelative(url) ? resolve(requestOrigin(req, trustProxy) + requestPath(req), url) : url;
}

function isRelative(url: string): boolean {
  return !parse(url).protocol;
}

/**
 * Scheme and host the client used, as passport-oauth2's `originalURL` reads them: the
 * `X-Forwarded-*` headers count only with the `proxy` option or Express's `trust proxy`, and of
 * several values the first counts, as in Express. Unlike passport-oauth2, a host that is not
 * `host[:port]` or a forwarded scheme other than http or https is refused with a `TypeError`.
 */
function requestOrigin(req: CallbackRequest, proxyOption: boolean): string {
  const { headers } = req;
  const forwardedProto = firstValue(headers['x-forwarded-proto']);
  const forwardedHost = firstValue(headers['x-forwarded-host']);
  // Only forwarded headers need the trust setting, which costs an Express settings lookup.
  const trustProxy =
    (forwardedProto !== undefined || forwardedHost !== undefined) &&
    (proxyOption || Boolean(req.app?.get?.('trust proxy')));
  const host = (trustProxy && forwardedHost) || headers.host;
  if (typeof host !== 'string' || !isHostAndPort(host)) {
    throw new TypeError('The request has no valid Host header');
  }
  let tls = (req.socket as Partial<TLSSocket> | null)?.encrypted === true;
  if (trustProxy && forwardedProto !== undefined) {
    const scheme = forwardedProto.toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') {
      throw new TypeError('The request has an invalid X-Forwarded-Proto header');
    }
    tls ||= scheme === 'https';
  }
  return `${tls ? 'https' : 'http'}://${host}`;
}

/** The first of a header's comma-separated values, trimmed; `undefined` when absent or empty. */
function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',', 1)[0]?.trim();
  return first === '' ? undefined : first;
}

/**
 * The request's path, which a relative callbackURL resolves against. A request line in absolute
 * form (`GET http://evil.example/login`) must not put its host into the URL: it counts as `/`.
 */
function requestPath(req: CallbackRequest): string {
  const path = req.url ?? '';
  return path.startsWith('/') ? path : '/';
}
