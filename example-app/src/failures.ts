/**
 * Turns what went wrong into words for the error page and an HTTP status. Messages are fixed
 * texts chosen by the kind of failure: nothing from the error (or from the request) is shown,
 * so no internals, stack traces or secrets reach the page.
 */
import {
  AgileCRMAPIError,
  AgileCRMRequestError,
  AgileCRMResponseError,
  AuthorizationError,
  TokenError,
} from 'passport-agilecrm';

/** A failure as shown to the user. */
export interface Failure {
  status: number;
  title: string;
  message: string;
}

/** A failure: the status, then the page's title and its message. */
function failure(status: number, title: string, message: string): Failure {
  return { status, title, message };
}

/** The user declined on Agile CRM's consent page. */
export const DENIED = failure(
  403,
  'Access was not granted',
  'You chose not to let this app use your Agile CRM account, so you are not logged in. ' +
    'You can try again whenever you like.',
);

/** The callback's state was missing, forged, already used or expired. */
export const BAD_STATE = failure(
  403,
  'This login link has expired',
  'The login could not be matched to one started here: it may have expired, been used ' +
    'already, or been started in another browser. Please start the login again.',
);

/** The callback was malformed (no usable code). */
export const BAD_CALLBACK = failure(
  400,
  'The login could not be completed',
  'Agile CRM sent back an incomplete answer. Please start the login again.',
);

/** A POST without a valid CSRF token. */
export const BAD_CSRF = failure(
  403,
  'This form has expired',
  'For your security the form could not be accepted. Reload the page and try again.',
);

/** The requested page does not exist. */
export const NOT_FOUND = failure(404, 'Page not found', 'There is nothing at this address.');

/** Too many login attempts from one address. */
export const TOO_MANY = failure(
  429,
  'Too many login attempts',
  'Please wait a minute before trying to log in again.',
);

/** Describes an error thrown while talking to Agile CRM (or anything unexpected). */
export function describeError(err: unknown): Failure {
  if (err instanceof AgileCRMRequestError) {
    return failure(
      502,
      'Agile CRM is not reachable',
      err.reason === 'timeout'
        ? 'Agile CRM did not answer in time. Please try again in a moment.'
        : 'The connection to Agile CRM failed. Please try again in a moment.',
    );
  }
  if (err instanceof AgileCRMAPIError) {
    if (err.status === 429 || /calls per\/?day|exceeded/i.test(err.message)) {
      return failure(
        503,
        'Agile CRM is busy',
        'Agile CRM asked this app to slow down (its request limit was reached). ' +
          'Please try again later.',
      );
    }
    return failure(
      502,
      'Agile CRM is having trouble',
      'Agile CRM answered with an error. Please try again in a moment.',
    );
  }
  if (err instanceof AgileCRMResponseError) {
    return failure(
      502,
      'Agile CRM sent an unexpected answer',
      'The answer from Agile CRM could not be read. Please try again in a moment.',
    );
  }
  if (err instanceof TokenError) {
    return err.code === 'invalid_grant'
      ? failure(
          400,
          'This login link has expired',
          'The login took too long or was already used. Please start the login again.',
        )
      : failure(
          502,
          'Agile CRM refused the login',
          'Agile CRM did not accept this app’s login request. Please try again later.',
        );
  }
  if (err instanceof AuthorizationError) return BAD_CALLBACK;
  return failure(
    500,
    'Something went wrong',
    'An unexpected error stopped this page. Please try again.',
  );
}
