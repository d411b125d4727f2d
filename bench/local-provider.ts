/**
 * A minimal Agile CRM stand-in for bench:parts: HTTPS on 127.0.0.1 with a throwaway certificate,
 * answering every POST with a token response and every GET with the current user. It checks
 * nothing, so the time measured is the client's.
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeCertificate } from './cert';
import type { ProviderSettings } from './variants/settings';

const TOKEN = JSON.stringify({
  access_token: 'access-0123456789abcdef',
  refresh_token: 'refresh-0123456789abcdef',
  token_type: 'bearer',
  expires_in: 3600,
});
const USER =
  '{"id":6263975862861824123,"domain":"demo","email":"demo@example.com","name":"Demo User","pic":"https://demo.example/pic.png","is_admin":true}';

/** One login through ours and one through the baseline, against the same stand-in. */
export interface LoginPair {
  ours: () => Promise<void>;
  baseline: () => Promise<void>;
  /** Stops the stand-in and whatever was built on it. */
  close: () => void;
}

/** A running stand-in: the settings the variants need to reach it, and how to stop it. */
export interface LocalProvider {
  settings: ProviderSettings;
  close(): void;
}

/** Starts the stand-in on a free port. */
export async function startLocalProvider(): Promise<LocalProvider> {
  const cert = await makeCertificate();
  const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'POST' ? TOKEN : USER);
    });
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    settings: {
      origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      domain: 'demo',
      clientID: 'bench-client',
      clientSecret: 'bench-secret',
      ca: cert.cert,
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
