/**
 * Shared helpers for the emulator's tests: real HTTP over 127.0.0.1, nothing mocked.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { RunningEmulator } from '../../../lib/testing/index';

export const CALLBACK = 'http://127.0.0.1:3000/auth/agilecrm/callback';
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An authorization URL of `domain` with the default client; `params` add or replace. */
export function authorizeURL(
  emu: RunningEmulator,
  params: Record<string, string> = {},
  domain = 'demo',
): string {
  const url = new URL(`${emu.url}/${domain}/oauth/authorize`);
  const all = {
    client_id: emu.clientID,
    response_type: 'code',
    redirect_uri: CALLBACK,
    state: 'state-1',
    ...params,
  };
  for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value);
  return url.href;
}

/** POSTs a form to the emulator. */
export function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...FORM, ...headers },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
}

/** Client credentials for `client_secret_post`. */
export function postCredentials(emu: RunningEmulator): Record<string, string> {
  return { client_id: emu.clientID, client_secret: emu.clientSecret };
}

/** An HTTP Basic header value, each part form-encoded first as RFC 6749 section 2.3.1 asks. */
export function basic(user: string, password: string, encode = true): string {
  const join = encode ? `${formEncode(user)}:${formEncode(password)}` : `${user}:${password}`;
  return `Basic ${Buffer.from(join).toString('base64')}`;
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** The code from an approved authorization (in-process consent). */
export function approvedCode(
  emu: RunningEmulator,
  params: Record<string, string> = {},
  domain = 'demo',
): string {
  const location = new URL(emu.approve(authorizeURL(emu, params, domain)));
  const code = location.searchParams.get('code');
  if (code === null) throw new Error(`no code in ${location.href}`);
  return code;
}

/** Tokens from a full login with PKCE. */
export async function login(
  emu: RunningEmulator,
  domain = 'demo',
): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
  const { verifier, challenge } = pkcePair();
  const code = approvedCode(
    emu,
    { code_challenge: challenge, code_challenge_method: 'S256' },
    domain,
  );
  const response = await postForm(`${emu.url}/${domain}/oauth/token`, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: CALLBACK,
    code_verifier: verifier,
    ...postCredentials(emu),
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status}`);
  return (await response.json()) as {
    access_token: string;
    refresh_token: string;
    expires_in: number;
  };
}

/** What a raw HTTP request saw: status, headers, every chunk as received, or the error. */
export interface RawResult {
  status?: number;
  headers?: http.IncomingHttpHeaders;
  chunks: Buffer[];
  error?: NodeJS.ErrnoException;
  complete: boolean;
}

/**
 * A request with Node's `http` module that records chunk boundaries and transport errors.
 * Bounded: gives up after `timeoutMs` and reports `error.code === 'TIMEOUT'`.
 */
export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
  } = {},
): Promise<RawResult> {
  return new Promise((resolve) => {
    const result: RawResult = { chunks: [], complete: false };
    let done = false;
    const finish = (error?: NodeJS.ErrnoException): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) result.error = error;
      req.destroy();
      resolve(result);
    };
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        result.status = res.statusCode;
        result.headers = res.headers;
        res.on('data', (chunk: Buffer) => result.chunks.push(chunk));
        res.on('end', () => {
          result.complete = true;
          finish();
        });
        res.on('aborted', () => finish(Object.assign(new Error('aborted'), { code: 'ABORTED' })));
        res.on('error', (err) => finish(err));
      },
    );
    req.on('error', (err) => finish(err));
    const timer = setTimeout(
      () => finish(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })),
      options.timeoutMs ?? 5000,
    );
    req.end(options.body);
  });
}

/** Authorization header of the demo user's API key. */
export const DEMO_BASIC = basic('demo@example.com', 'demo-api-key', false);
