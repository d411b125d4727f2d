/**
 * The HTTP(S) server: routing by account and path, and tracking of every socket so `close()`
 * can end kept-alive and hanging connections too.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { normalizeDomain } from '../shared/domain';
import { avatarSVG } from './avatar';
import { authorizeDecision, authorizePage } from './consent';
import type { EmulatorState, RouteContext } from './context';
import { agileError, send } from './reply';
import { contacts, currentUser, users } from './rest';
import { revoke, token } from './token';

type Handler = (ctx: RouteContext) => void | Promise<void>;

/** Paths below `/{domain}` and their handlers per method. */
const ROUTES: ReadonlyMap<string, Readonly<Record<string, Handler>>> = new Map<
  string,
  Record<string, Handler>
>([
  ['/oauth/authorize', { GET: authorizePage, POST: authorizeDecision }],
  ['/oauth/token', { POST: token }],
  ['/oauth/revoke', { POST: revoke }],
  ['/dev/api/users/current-user', { GET: currentUser }],
  ['/dev/api/users', { GET: users }],
  ['/dev/api/contacts', { GET: contacts }],
]);
const AVATAR_PATH = /^\/avatars\/(\d{1,19})\.svg$/;

/** A server and the sockets it has open. */
export interface TrackedServer {
  server: http.Server;
  sockets: Set<Socket>;
}

/** Creates the (not yet listening) server for `state`; HTTPS when `tls` is given. */
export function createServer(
  state: EmulatorState,
  tls: { key: string | Buffer; cert: string | Buffer } | undefined,
): TrackedServer {
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(state, req, res).catch(() => {
      // A handler failed (for example the client went away mid-body): answer if still possible.
      if (!res.headersSent && !res.destroyed) send(res, agileError(500, 'Internal error'));
      else res.destroy();
    });
  };
  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, listener)
    : http.createServer(listener);
  const sockets = new Set<Socket>();
  // 'connection' gives the TCP socket under HTTPS too; destroying it ends the TLS session.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return { server, sockets };
}

async function handle(
  state: EmulatorState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://emulator.invalid');
  } catch {
    return send(res, agileError(400, 'Malformed request URL'));
  }
  const [, first = '', ...rest] = url.pathname.split('/');
  const domain = normalizeDomain(first);
  const account = domain === undefined ? undefined : state.accounts.get(domain);
  if (account === undefined) return send(res, agileError(404, 'No such Agile CRM account'));
  const path = `/${rest.join('/')}`.replace(/(.)\/+$/, '$1');
  const ctx: RouteContext = { req, res, url, account, state };
  const avatar = AVATAR_PATH.exec(path);
  if (avatar !== null && req.method === 'GET') return serveAvatar(ctx, avatar[1] as string);
  const methods = ROUTES.get(path);
  if (methods === undefined) return send(res, agileError(404, 'Not found'));
  const handler = methods[req.method ?? ''];
  if (handler === undefined) {
    return send(
      res,
      agileError(405, 'Method not allowed', { allow: Object.keys(methods).join(', ') }),
    );
  }
  await handler(ctx);
}

function serveAvatar(ctx: RouteContext, userID: string): void {
  const user = ctx.account.users.find((candidate) => candidate.id === userID);
  if (user === undefined) return send(ctx.res, agileError(404, 'Not found'));
  send(ctx.res, {
    status: 200,
    headers: {
      'content-type': 'image/svg+xml; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'cache-control': 'public, max-age=3600',
      // Shown by the application's pages, which live on another origin.
      'cross-origin-resource-policy': 'cross-origin',
    },
    body: avatarSVG(user.name, user.id),
  });
}
