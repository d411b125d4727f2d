/**
 * OAuth client authentication at the token and revocation endpoints: `client_secret_post` or
 * `client_secret_basic` (RFC 6749 section 2.3.1), never both.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { jsonAnswer, type Answer } from './reply';
import type { EmulatorClient } from './types';

/** The authenticated client, or the error answer to send. */
export type ClientCheck = { ok: true; client: EmulatorClient } | { ok: false; answer: Answer };

/** An RFC 6749 error answer; never echoes a secret. */
export function oauthError(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): Answer {
  return jsonAnswer(
    status,
    { error, error_description: description },
    { 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
  );
}

/** Authenticates the client of a token or revocation request. */
export function authenticateClient(
  headers: IncomingHttpHeaders,
  form: URLSearchParams,
  clients: ReadonlyMap<string, EmulatorClient>,
): ClientCheck {
  const [scheme = '', credentials = ''] = (headers.authorization ?? '').trim().split(/\s+/, 2);
  const basic = /^basic$/i.test(scheme);
  let id: string | undefined;
  let secret: string | undefined;
  if (basic) {
    if (form.has('client_secret')) {
      return invalidRequest('Use one client authentication method, not Basic and client_secret.');
    }
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    id = colon < 0 ? undefined : formDecode(decoded.slice(0, colon));
    secret = colon < 0 ? undefined : formDecode(decoded.slice(colon + 1));
    const bodyID = form.get('client_id');
    if (bodyID !== null && bodyID !== id)
      return invalidRequest('client_id does not match the Basic credentials.');
  } else {
    id = form.get('client_id') ?? undefined;
    secret = form.get('client_secret') ?? undefined;
  }
  const client = id === undefined ? undefined : clients.get(id);
  if (client === undefined || secret === undefined || !sameSecret(secret, client.clientSecret)) {
    return {
      ok: false,
      answer: oauthError(
        401,
        'invalid_client',
        'Client authentication failed.',
        basic ? { 'www-authenticate': 'Basic realm="agilecrm"' } : {},
      ),
    };
  }
  return { ok: true, client };
}

function invalidRequest(description: string): ClientCheck {
  return { ok: false, answer: oauthError(400, 'invalid_request', description) };
}

/** `application/x-www-form-urlencoded` decoding of one Basic part; `undefined` when malformed. */
function formDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
