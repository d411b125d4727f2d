/**
 * A real HTTP server on 127.0.0.1 for faults nock cannot produce: hangs, resets, split chunks,
 * and counting connections.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A running test server. */
export interface LocalServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Connections accepted so far. */
  connections: number;
  /** Requests received so far. */
  requests: number;
  /** Resolves when every connection accepted so far has closed. */
  allClosed(): Promise<void>;
  /** Closes the server and every open connection. */
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1, port 0. */
export async function localServer(handler: http.RequestListener): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const closed: Promise<void>[] = [];
  const server = http.createServer((req, res) => {
    state.requests++;
    handler(req, res);
  });
  const state: LocalServer = {
    url: '',
    connections: 0,
    requests: 0,
    allClosed: () => Promise.all(closed).then(() => undefined),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  server.on('connection', (socket) => {
    state.connections++;
    sockets.add(socket);
    closed.push(new Promise((resolve) => socket.on('close', () => resolve())));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** A port on 127.0.0.1 where nothing listens (connections are refused). */
export async function refusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
