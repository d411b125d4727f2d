/**
 * A reverse proxy in front of the emulator for tests: it counts every request passing through
 * (including those the emulator rejects before counting, such as an unknown account), records
 * the tokens in token responses (so a test knows every secret to search for), and can stop
 * listening and start again on the same port, so "connection refused" can be tested against an
 * app that is already logged in.
 */
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy. */
export interface CountingProxy {
  /** The proxy's origin, `http://127.0.0.1:PORT`. */
  url: string;
  /** Requests received so far. */
  readonly count: number;
  /** Access and refresh tokens seen in token responses. */
  tokens: Set<string>;
  /** Stops listening and drops every connection: new requests are refused. */
  refuse(): Promise<void>;
  /** Listens again on the same port. */
  accept(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards everything to `target` (an origin). */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const tokens = new Set<string>();
  let count = 0;
  let server: Server | undefined;
  let port = 0;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    count += 1;
    const sniff = /\/oauth\/token$/.test(new URL(req.url ?? '/', 'http://x').pathname);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => {
          if (sniff) chunks.push(chunk);
          res.write(chunk);
        });
        answer.on('end', () => {
          res.end();
          if (sniff) remember(Buffer.concat(chunks).toString('utf8'));
        });
        answer.on('error', () => res.destroy());
        answer.on('aborted', () => res.destroy());
      },
    );
    forward.on('error', () => res.destroy());
    // The app gave up (its timeout): stop waiting for the emulator too.
    res.on('close', () => {
      if (!res.writableFinished) forward.destroy();
    });
    req.pipe(forward);
  };

  function remember(body: string): void {
    for (const match of body.matchAll(/"(?:access_token|refresh_token)"\s*:\s*"([^"]+)"/g)) {
      if (match[1]) tokens.add(match[1]);
    }
  }

  async function listen(): Promise<void> {
    const s = createServer(handler);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  }

  async function stop(): Promise<void> {
    const s = server;
    server = undefined;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    tokens,
    refuse: stop,
    accept: listen,
    close: stop,
  };
}
