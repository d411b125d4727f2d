/**
 * Cookies of one request, in whichever server hosts the strategy: the value sent by the browser,
 * whether the request came over HTTPS, and a `Set-Cookie` line added to its response.
 */
import type { TLSSocket } from 'node:tls';
import { isRecord } from './json';

/**
 * The cookie parser, loaded on the first cookie read: only `CookiePendingLoginStore` reads
 * cookies, so apps that keep pending logins in the session never load it.
 */
let cookieParser: typeof import('cookie') | undefined;

/** The response methods of Node's `ServerResponse` (Express's `res`) that are used here. */
interface NodeResponse {
  getHeader(name: string): unknown;
  setHeader(name: string, value: string[]): unknown;
  headersSent?: boolean;
}

/** The response methods of a Fastify `reply` that are used here. */
interface ReplyResponse {
  getHeader(name: string): unknown;
  removeHeader(name: string): unknown;
  header(name: string, value: string[]): unknown;
  sent?: boolean;
}

/** Writes one cookie's `Set-Cookie` line into a request's response. */
export type CookieWriter = (line: string) => void;

/** The raw value of cookie `name` as the browser sent it, or `undefined`. */
export function requestCookie(req: unknown, name: string): string | undefined {
  const headers = isRecord(req) && isRecord(req['headers']) ? req['headers'] : undefined;
  const header = headers?.['cookie'];
  if (typeof header !== 'string' || !header.includes(name)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  cookieParser ??= require('cookie') as typeof import('cookie');
  return cookieParser.parseCookie(header)[name];
}

/**
 * Whether the browser reached the app over HTTPS. Express's `req.secure` and Fastify's
 * `request.protocol` follow their `trust proxy` settings, so they win over the socket.
 */
export function isHTTPS(req: unknown): boolean {
  if (!isRecord(req)) return false;
  const { secure, protocol, socket } = req;
  if (typeof secure === 'boolean') return secure;
  if (typeof protocol === 'string') return protocol === 'https';
  return isRecord(socket) && (socket as Partial<TLSSocket>).encrypted === true;
}

/**
 * A writer for the response linked to `req` (Express and NestJS link it as `req.res`), or
 * `undefined` when there is none. `name` is the cookie written: a line written earlier for it in
 * the same response is replaced, every other `Set-Cookie` line (a session's) is kept.
 */
export function cookieWriter(req: unknown, name: string): CookieWriter | undefined {
  const res = isRecord(req) ? req['res'] : undefined;
  if (!isRecord(res) || typeof res['getHeader'] !== 'function') return undefined;
  const prefix = `${name}=`;
  const others = (current: unknown): string[] => {
    const lines = Array.isArray(current) ? current : current === undefined ? [] : [current];
    return lines.map(String).filter((line) => !line.startsWith(prefix));
  };
  if (typeof res['setHeader'] === 'function') {
    const node = res as unknown as NodeResponse;
    return (line) => {
      if (node.headersSent === true) throw new Error(alreadySent(name));
      node.setHeader('Set-Cookie', [...others(node.getHeader('set-cookie')), line]);
    };
  }
  if (typeof res['header'] === 'function' && typeof res['removeHeader'] === 'function') {
    const reply = res as unknown as ReplyResponse;
    return (line) => {
      if (reply.sent === true) throw new Error(alreadySent(name));
      const kept = others(reply.getHeader('set-cookie'));
      reply.removeHeader('set-cookie');
      reply.header('set-cookie', [...kept, line]);
    };
  }
  return undefined;
}

function alreadySent(name: string): string {
  return `Cannot set the ${name} cookie: the response headers were already sent`;
}
