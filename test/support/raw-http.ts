/**
 * Sends one HTTP/1.1 request head exactly as given, over a plain socket, and reads the answer.
 * Node's HTTP client (and nock's interception of it) checks and normalizes what it sends; tests
 * of malformed Host headers and absolute-form request lines need the bytes to arrive as written.
 */
import { connect } from 'node:net';

/** What the server answered: the status and the headers, names lower-cased. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
}

/**
 * Writes `GET {target} HTTP/1.1` with `headers` (in order, unchecked) and `Connection: close` to
 * 127.0.0.1:`port`, and resolves with the response head. Fails after `timeout` milliseconds.
 */
export function rawRequest(
  port: number,
  target: string,
  headers: [string, string][],
  timeout = 5000,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(timeout, () => socket.destroy(new Error(`GET ${target} timed out`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = ''] = text.split('\r\n\r\n', 1);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
      const parsed: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) parsed[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      if (status === 0) reject(new Error(`no HTTP answer to GET ${target}: ${text.slice(0, 100)}`));
      else resolve({ status, headers: parsed });
    });
    const head = [`GET ${target} HTTP/1.1`, ...headers.map(([n, v]) => `${n}: ${v}`)];
    socket.end(`${head.join('\r\n')}\r\nConnection: close\r\n\r\n`, 'latin1');
  });
}
