import type { Express } from 'express';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1 at $PORT and prints where, which the hosts suite waits for. */
export function listen(app: Express): void {
  const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Listening on http://127.0.0.1:${port}`);
  });
}
