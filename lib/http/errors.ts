/**
 * Typed errors. Each has a stable exported `code`, a `name`, and a message that says what
 * happened without ever quoting a secret: request bodies, headers and tokens are never copied in.
 */

/** `code` of {@link AgileCRMAPIError}. */
export const AGILECRM_API_ERROR = 'AGILECRM_API_ERROR';
/** `code` of {@link AgileCRMRequestError}. */
export const AGILECRM_REQUEST_ERROR = 'AGILECRM_REQUEST_ERROR';
/** `code` of {@link AgileCRMResponseError}. */
export const AGILECRM_RESPONSE_ERROR = 'AGILECRM_RESPONSE_ERROR';

/** Common base so callers can test `err instanceof AgileCRMError`. */
export abstract class AgileCRMError extends Error {
  /** Stable machine-readable error code. */
  abstract readonly code: string;
}

/**
 * Agile CRM answered with a non-success HTTP status. `message` carries Agile CRM's own text
 * (its `"exception message"` field) when it sent one.
 *
 * @example
 * if (err instanceof AgileCRMAPIError && err.status === 401) reconnect();
 */
export class AgileCRMAPIError extends AgileCRMError {
  override readonly name = 'AgileCRMAPIError';
  readonly code = AGILECRM_API_ERROR;
  /** HTTP status Agile CRM answered with. */
  readonly status: number;
  /** Seconds to wait before retrying, from a `Retry-After` header, when one was sent. */
  readonly retryAfter: number | undefined;

  constructor(
    message: string,
    status: number,
    options: { body?: unknown; retryAfter?: number } = {},
  ) {
    super(message, { cause: options.body });
    this.status = status;
    this.retryAfter = options.retryAfter;
  }
}

/** Why a request never produced a usable HTTP response. */
export type RequestFailure = 'timeout' | 'network' | 'too_large';

/**
 * The request failed below HTTP: it timed out, the connection was refused or reset, or the
 * response body exceeded the size cap.
 */
export class AgileCRMRequestError extends AgileCRMError {
  override readonly name = 'AgileCRMRequestError';
  readonly code = AGILECRM_REQUEST_ERROR;
  /** What went wrong. */
  readonly reason: RequestFailure;

  constructor(message: string, reason: RequestFailure, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.reason = reason;
  }
}

/**
 * Agile CRM answered with a success status but a body this package cannot use: HTML, XML,
 * truncated JSON or JSON of the wrong shape.
 */
export class AgileCRMResponseError extends AgileCRMError {
  override readonly name = 'AgileCRMResponseError';
  readonly code = AGILECRM_RESPONSE_ERROR;
  /** HTTP status of the unusable response. */
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}
