/**
 * Reading `application/x-www-form-urlencoded` request bodies.
 */
import type { IncomingMessage } from 'node:http';

/** Largest request body read, in bytes; OAuth forms are tiny. */
export const MAX_FORM_BYTES = 64 * 1024;

/** A parsed form, or why it could not be read. */
export type FormResult =
  { ok: true; form: URLSearchParams } | { ok: false; status: 400 | 413 | 415; reason: string };

/** Reads the whole body (bounded) and parses it as a form. */
export async function readForm(req: IncomingMessage): Promise<FormResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep reading (and dropping) so the answer can still be delivered on this connection.
    if (size > MAX_FORM_BYTES) tooLarge = true;
    else chunks.push(chunk);
  }
  if (tooLarge) return { ok: false, status: 413, reason: 'The request body is too large.' };
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return {
      ok: false,
      status: 415,
      reason: 'The body must be application/x-www-form-urlencoded.',
    };
  }
  return { ok: true, form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) };
}

/** The name of a parameter given more than once, if any (RFC 6749 section 3.1). */
export function repeatedParameter(form: URLSearchParams): string | undefined {
  const seen = new Set<string>();
  for (const name of form.keys()) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}
