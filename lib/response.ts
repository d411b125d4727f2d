/**
 * Turning Agile CRM's HTTP responses into values or typed errors.
 */
import { printable, truncate } from './display-text';
import { AgileCRMAPIError, AgileCRMResponseError } from './errors';
import { isRecord, parseJSONExact } from './json';
import { redact, redactJSON } from './redact';
import type { HttpResponse } from './transport';

/** Longest piece of Agile CRM's own error text copied into a message. */
export const MAX_QUOTED_LENGTH = 300;

/** True for 2xx statuses. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * Builds the error for a non-2xx response, quoting Agile CRM's `"exception message"` (or an
 * OAuth `error_description`) when the body is JSON. HTML and XML error pages are not quoted.
 * `secrets` (what the request sent: client secret, tokens, API key), in every form they were
 * sent in, are cut out of the quoted text and of the body kept as `cause`, in case the server
 * echoed them.
 */
export function apiError(
  response: HttpResponse,
  label: string,
  secrets: readonly (string | undefined)[] = [],
): AgileCRMAPIError {
  const body = redactJSON(tryParse(response.body), secrets);
  const text = errorText(body);
  const detail = text === undefined ? undefined : quoteServerText(text, secrets);
  const message = detail
    ? `Agile CRM ${label} failed with HTTP ${response.status}: ${detail}`
    : `Agile CRM ${label} failed with HTTP ${response.status}`;
  return new AgileCRMAPIError(message, response.status, {
    body: body ?? undefined,
    retryAfter: retryAfterSeconds(response.headers['retry-after']),
  });
}

/**
 * Text a server sent, fit to quote in an error message: printable, without any sent form of
 * `secrets`, and at most {@link MAX_QUOTED_LENGTH} characters. Redaction runs before control
 * characters are removed and the text trimmed, which would leave a secret starting or ending
 * with a space unmatched, and again after, since removing them can join the pieces of a secret
 * back together.
 */
export function quoteServerText(text: string, secrets: readonly (string | undefined)[]): string {
  return truncate(redact(printable(redact(text, secrets)), secrets), MAX_QUOTED_LENGTH);
}

/**
 * Parses a 2xx body as JSON (keeping 64-bit ids exact), or throws a clear
 * {@link AgileCRMResponseError} for HTML, XML or truncated bodies.
 */
export function readJSON(response: HttpResponse, label: string): unknown {
  try {
    return parseJSONExact(response.body);
  } catch {
    const type = String(response.headers['content-type'] ?? 'no content type');
    throw new AgileCRMResponseError(
      `Agile CRM ${label} returned a body that is not JSON (HTTP ${response.status}, ${type})`,
      response.status,
    );
  }
}

function tryParse(text: string): unknown {
  try {
    return parseJSONExact(text);
  } catch {
    return undefined;
  }
}

function errorText(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const candidates = [
    body['exception message'],
    body['error_description'],
    body['message'],
    body['error'],
  ];
  const text = candidates.find(
    (value): value is string => typeof value === 'string' && value.trim() !== '',
  );
  return text;
}

function retryAfterSeconds(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
