/**
 * Writing the emulator's answers: JSON (with exact 64-bit ids), XML, HTML, and the chunked
 * delivery that splits multi-byte UTF-8 characters.
 */
import type { ServerResponse } from 'node:http';
import { toJSONText, type Value } from './json-text';
import { toXMLText } from './xml';

/** A complete answer. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** Pause between the chunks of a split body, so they leave as separate TCP segments. */
const CHUNK_PAUSE_MS = 5;

/** A JSON answer built from a value tree (exact ids) or taken as ready text. */
export function jsonAnswer(
  status: number,
  value: Value,
  headers: Record<string, string> = {},
): Answer {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: toJSONText(value) };
}

/** An XML answer. */
export function xmlAnswer(root: string, value: Value, item?: string): Answer {
  return {
    status: 200,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: toXMLText(root, value, item),
  };
}

/** An HTML page that loads nothing from elsewhere and cannot be framed. */
export function htmlAnswer(
  status: number,
  html: string,
  headers: Record<string, string> = {},
): Answer {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      // No form-action: browsers apply it to the redirect after the consent form, which leaves
      // for the application's origin.
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      ...headers,
    },
    body: html,
  };
}

/** Agile CRM's error body: `{"status":"401","exception message":"authentication issue"}`. */
export function agileError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Answer {
  return jsonAnswer(status, { status: String(status), 'exception message': message }, headers);
}

/** An empty answer, e.g. 204 for an empty contact list or 200 from the revocation endpoint. */
export function emptyAnswer(status: number, headers: Record<string, string> = {}): Answer {
  return { status, headers, body: '' };
}

/**
 * Sends `answer`. With `splitUTF8` the body goes out in several writes whose boundaries fall
 * inside multi-byte characters, as a slow network may deliver it.
 */
export function send(res: ServerResponse, answer: Answer, splitUTF8 = false): void {
  const body = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body, 'utf8');
  res.writeHead(answer.status, {
    'x-content-type-options': 'nosniff',
    ...answer.headers,
    'content-length': String(body.length),
  });
  if (!splitUTF8 || body.length < 2) {
    res.end(body);
    return;
  }
  writeChunks(res, splitInsideCharacters(body));
}

function writeChunks(res: ServerResponse, chunks: Buffer[]): void {
  let index = 0;
  const next = (): void => {
    if (res.destroyed) return;
    const chunk = chunks[index++];
    if (chunk === undefined) {
      res.end();
      return;
    }
    res.write(chunk, () => setTimeout(next, CHUNK_PAUSE_MS));
  };
  next();
}

/** Cuts `body` at up to four UTF-8 continuation bytes (inside characters), else in halves. */
export function splitInsideCharacters(body: Buffer): Buffer[] {
  const inside: number[] = [];
  for (let i = 1; i < body.length; i++) {
    if (((body[i] as number) & 0xc0) === 0x80) inside.push(i);
  }
  const cuts =
    inside.length === 0
      ? [Math.floor(body.length / 2)]
      : [0, 1, 2, 3]
          .map((k) => inside[Math.floor((k * inside.length) / 4)] as number)
          .filter((cut, k, all) => all.indexOf(cut) === k);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(body.subarray(start, cut));
    start = cut;
  }
  chunks.push(body.subarray(start));
  return chunks;
}
