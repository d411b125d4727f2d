/**
 * The one place this package talks HTTP.
 *
 * node-oauth (under passport-oauth2) has no timeout and decodes each chunk separately, which
 * corrupts UTF-8 characters split across chunks. This transport bounds every request by a total
 * deadline, caps the body size, decodes the body once, reuses connections through keep-alive
 * agents, and settles exactly once.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { AgileCRMRequestError } from './errors';

/** Largest response body accepted, in bytes. Agile CRM's user and contact pages are far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Default bound on every request to Agile CRM, in milliseconds. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** Longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const keepAliveAgents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/**
 * The `timeout` option of `owner`: {@link DEFAULT_TIMEOUT_MS} when omitted, otherwise a positive
 * finite number of milliseconds, or a `TypeError`.
 */
function checkTimeout(value: unknown, owner: string): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${owner} timeout option must be a positive number of milliseconds`);
  }
  return value;
}

/** How requests to Agile CRM are made: the `timeout` and `agent` options. */
export interface RequestSettings {
  /** Total time allowed, from sending to the last byte of the body, in milliseconds. */
  timeout: number;
  /** Custom agent (proxy, private CA); defaults to a shared keep-alive agent. */
  agent?: http.Agent | undefined;
}

/**
 * The `timeout` and `agent` options of `owner`, the timeout checked by {@link checkTimeout}.
 */
export function checkRequestSettings(
  options: { timeout?: unknown; agent?: http.Agent | undefined },
  owner: string,
): RequestSettings {
  const timeout = checkTimeout(options.timeout, owner);
  return options.agent ? { timeout, agent: options.agent } : { timeout };
}

/** One HTTP request. */
export interface HttpRequest extends RequestSettings {
  method: string;
  url: string;
  /** Lower-case names. The transport adds Host, Content-Length and the URL's credentials. */
  headers: Record<string, string>;
  body?: string;
  /** Names the request in error messages, e.g. "token request". */
  label: string;
}

/** A complete HTTP response with its body decoded as UTF-8. */
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends `request`; rejects with {@link AgileCRMRequestError} when no complete response arrives. */
export function send(request: HttpRequest): Promise<HttpResponse> {
  const target = targetOf(request.url);
  const deadline = Date.now() + request.timeout;
  return attempt(request, target, deadline, true);
}

/** Where a URL points, parsed into what `http.request` takes. */
interface Target {
  client: typeof http | typeof https;
  defaultAgent: http.Agent;
  protocol: string;
  hostname: string;
  port: number | undefined;
  path: string;
  /** The Host header, as Node would write it for these options. */
  host: string;
  /** The Authorization header for credentials in the URL, as Node would write it. */
  basicAuth: string | undefined;
  /** Origin and path, without query or credentials: what error messages may name. */
  where: string;
}

/** Recently used targets. A login's token and profile URLs are the same every time. */
const targets = new Map<string, Target>();
const MAX_TARGETS = 64;

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (target === undefined) {
    target = parseTarget(new URL(url));
    // Forget all at once when full: URLs with changing queries (paging cursors) must not pile up.
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/** The request options Node's urlToHttpOptions would make from `url`, made once per URL. */
function parseTarget(url: URL): Target {
  const secure = url.protocol === 'https:';
  const auth =
    url.username === '' && url.password === ''
      ? undefined
      : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return {
    client: secure ? https : http,
    defaultAgent: secure ? keepAliveAgents['https:'] : keepAliveAgents['http:'],
    protocol: url.protocol,
    // URL keeps the brackets of an IPv6 literal; request options take the bare address.
    hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path: url.pathname + url.search,
    // URL.host already brackets an IPv6 literal and leaves out the scheme's default port.
    host: url.host,
    basicAuth: auth === undefined ? undefined : `Basic ${Buffer.from(auth).toString('base64')}`,
    where: `${url.origin}${url.pathname}`,
  };
}

function attempt(
  request: HttpRequest,
  target: Target,
  deadline: number,
  mayRetry: boolean,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const { where } = target;
    let settled = false;

    function fail(error: AgileCRMRequestError): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    }

    function succeed(response: HttpResponse): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    }

    const req = target.client.request(requestOptions(target, request), (res) => {
      const declared = Number(res.headers['content-length']);
      if (declared > MAX_BODY_BYTES) {
        fail(tooLarge(request, where));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) fail(tooLarge(request, where));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        // Decoding the joined buffer once keeps multi-byte characters split across chunks intact.
        // A small body comes in one chunk, which needs no copy.
        const [first] = chunks;
        const whole =
          chunks.length === 1 && first !== undefined ? first : Buffer.concat(chunks, size);
        const body = whole.toString('utf8');
        succeed({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('aborted', () => fail(network(request, where, 'the connection closed mid-response')));
      res.on('error', (err) => fail(network(request, where, describe(err), err)));
    });

    req.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      // A kept-alive socket the server closed between requests fails on first write; Node's
      // guidance is to retry once on a fresh connection.
      if (mayRetry && req.reusedSocket && err.code === 'ECONNRESET' && Date.now() < deadline) {
        settled = true;
        clearTimeout(timer);
        attempt(request, target, deadline, false).then(resolve, reject);
        return;
      }
      fail(network(request, where, describe(err), err));
    });

    const timer = setTimeout(
      () => {
        fail(
          new AgileCRMRequestError(
            `Agile CRM ${request.label} to ${where} timed out after ${request.timeout} ms`,
            'timeout',
          ),
        );
      },
      // setTimeout turns a delay over 2^31-1 milliseconds (about 24.8 days) into 1; cap instead.
      Math.min(MAX_TIMER_MS, Math.max(0, deadline - Date.now())),
    );

    req.end(request.body);
  });
}

/**
 * Flat request options, as Node's urlToHttpOptions makes them. Handing Node a URL object
 * instead makes it build and merge a second options object on every request.
 */
function requestOptions(target: Target, request: HttpRequest): https.RequestOptions {
  const options: https.RequestOptions = {
    protocol: target.protocol,
    hostname: target.hostname,
    path: target.path,
    method: request.method,
    headers: headerList(target, request),
    agent: request.agent ?? target.defaultAgent,
  };
  if (target.port !== undefined) options.port = target.port;
  return options;
}

/**
 * Every header of the request as one flat name, value list. Node writes such a list out as it
 * is (still checking each name and value) instead of setting the headers one by one and looking
 * up Host and Authorization, so the headers it would add itself are added here.
 */
function headerList(target: Target, request: HttpRequest): string[] {
  const list = ['host', target.host];
  for (const [name, value] of Object.entries(request.headers)) list.push(name, value);
  if (request.body !== undefined) {
    list.push('content-length', String(Buffer.byteLength(request.body)));
  }
  if (target.basicAuth !== undefined && request.headers['authorization'] === undefined) {
    list.push('authorization', target.basicAuth);
  }
  return list;
}

function tooLarge(request: HttpRequest, where: string): AgileCRMRequestError {
  return new AgileCRMRequestError(
    `Agile CRM ${request.label} to ${where} failed: the response exceeded ${MAX_BODY_BYTES} bytes`,
    'too_large',
  );
}

function network(
  request: HttpRequest,
  where: string,
  what: string,
  cause?: unknown,
): AgileCRMRequestError {
  return new AgileCRMRequestError(
    `Agile CRM ${request.label} to ${where} failed: ${what}`,
    'network',
    cause,
  );
}

function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
      return 'host not found';
    default:
      return err.code ?? err.message;
  }
}
