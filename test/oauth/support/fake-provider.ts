/**
 * A minimal stand-in for Agile CRM's token and current-user endpoints that records every token
 * request, so a test can prove which callbacks reached the token endpoint and with what.
 * It accepts any code: whether a code may be exchanged at all is what the tests check.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that reached `POST /{domain}/oauth/token`. */
export interface RecordedTokenRequest {
  domain: string;
  params: Record<string, string>;
}

/** A running fake provider. */
export interface FakeProvider {
  /** `http://127.0.0.1:PORT/{domain}`: the strategy's `baseURL`. */
  baseURL: string;
  tokenRequests: RecordedTokenRequest[];
  close(): Promise<void>;
}

/** Starts the fake provider on a free loopback port. */
export async function startFakeProvider(): Promise<FakeProvider> {
  const tokenRequests: RecordedTokenRequest[] = [];
  let issued = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const [, domain = '', ...rest] = url.pathname.split('/');
      const route = `${req.method} /${rest.join('/')}`;
      res.setHeader('content-type', 'application/json');
      if (route === 'POST /oauth/token') {
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
        tokenRequests.push({ domain, params });
        issued += 1;
        res.end(
          JSON.stringify({
            access_token: `fake-access-${issued}`,
            refresh_token: `fake-refresh-${issued}`,
            expires_in: 3600,
            token_type: 'bearer',
          }),
        );
      } else if (route === 'GET /dev/api/users/current-user') {
        res.end(`{"id":6263975862861824123,"email":"user@${domain}.example","name":"User"}`);
      } else {
        res.statusCode = 404;
        res.end('{"status":"404","exception message":"not found"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/{domain}`,
    tokenRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
