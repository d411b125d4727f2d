/**
 * A tiny cookie-keeping HTTP client for driving apps in tests: it sends the path exactly as
 * given (no re-encoding, so malformed query strings reach the server as generated) and never
 * follows redirects.
 */
import { Agent, request } from 'node:http';

/** A complete response. */
export interface BrowserResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The `Location` header, when one was sent. */
  location: string | undefined;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One user agent with its own cookie jar. */
export class Browser {
  readonly cookies = new Map<string, string>();

  /** Sends a request to `origin + path`; `form` is sent as an urlencoded body when given. */
  send(
    origin: string,
    method: 'GET' | 'POST',
    path: string,
    form?: string,
    headers: Record<string, string> = {},
    retry = true,
  ): Promise<BrowserResponse> {
    const url = new URL(origin);
    const all: Record<string, string | number> = { ...headers };
    if (this.cookies.size > 0) {
      all['cookie'] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (form !== undefined) {
      all['content-type'] = 'application/x-www-form-urlencoded';
      all['content-length'] = Buffer.byteLength(form);
    }
    return new Promise((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, method, path, headers: all, agent, timeout: 20_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            this.remember(res.headers['set-cookie']);
            const location = res.headers['location'];
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              location: typeof location === 'string' ? location : undefined,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        // The server closed an idle kept-alive socket just as it was reused: the request never
        // reached it, so send it once more on a new connection (as browsers do).
        if (retry && req.reusedSocket && err.code === 'ECONNRESET') {
          this.send(origin, method, path, form, headers, false).then(resolve, reject);
        } else {
          reject(err);
        }
      });
      req.end(form);
    });
  }

  private remember(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** Closes idle keep-alive sockets so the test process can exit. */
export function closeBrowserSockets(): void {
  agent.destroy();
}
