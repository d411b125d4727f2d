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

/** The user declined on Agile CRM's consent page. */
export const DENIED: Failure = {
  status: 403,
  title: 'Access was not granted',
  message:
    'You chose not to let this app use your Agile CRM account, so you are not logged in. ' +
    'You can try again whenever you like.',
};

/** The callback's state was missing, forged, already used or expired. */
export const BAD_STATE: Failure = {
  status: 403,
  title: 'This login link has expired',
  message:
    'The login could not be matched to one started here: it may have expired, been used ' +
    'already, or been started in another browser. Please start the login again.',
};

/** The callback was malformed (no usable code). */
export const BAD_CALLBACK: Failure = {
  status: 400,
  title: 'The login could not be completed',
  message: 'Agile CRM sent back an incomplete answer. Please start the login again.',
};

/** A POST without a valid CSRF token. */
export const BAD_CSRF: Failure = {
  status: 403,
  title: 'This form has expired',
  message: 'For your security the form could not be accepted. Reload the page and try again.',
};

/** The requested page does not exist. */
export const NOT_FOUND: Failure = {
  status: 404,
  title: 'Page not found',
  message: 'There is nothing at this address.',
};

/** Too many login attempts from one address. */
export const TOO_MANY: Failure = {
  status: 429,
  title: 'Too many login attempts',
  message: 'Please wait a minute before trying to log in again.',
};

/** Describes an error thrown while talking to Agile CRM (or anything unexpected). */
export function describeError(err: unknown): Failure {
  if (err instanceof AgileCRMRequestError) {
    return {
      status: 502,
      title: 'Agile CRM is not reachable',
      message:
        err.reason === 'timeout'
          ? 'Agile CRM did not answer in time. Please try again in a moment.'
          : 'The connection to Agile CRM failed. Please try again in a moment.',
    };
  }
  if (err instanceof AgileCRMAPIError) {
    if (err.status === 429 || /calls per\/?day|exceeded/i.test(err.message)) {
      return {
        status: 503,
        title: 'Agile CRM is busy',
        message:
          'Agile CRM asked this app to slow down (its request limit was reached). ' +
          'Please try again later.',
      };
    }
    return {
      status: 502,
      title: 'Agile CRM is having trouble',
      message: 'Agile CRM answered with an error. Please try again in a moment.',
    };
  }
  if (err instanceof AgileCRMResponseError) {
    return {
      status: 502,
      title: 'Agile CRM sent an unexpected answer',
      message: 'The answer from Agile CRM could not be read. Please try again in a moment.',
    };
  }
  if (err instanceof TokenError) {
    return err.code === 'invalid_grant'
      ? {
          status: 400,
          title: 'This login link has expired',
          message: 'The login took too long or was already used. Please start the login again.',
        }
      : {
          status: 502,
          title: 'Agile CRM refused the login',
          message: 'Agile CRM did not accept this app’s login request. Please try again later.',
        };
  }
  if (err instanceof AuthorizationError) return BAD_CALLBACK;
  return {
    status: 500,
    title: 'Something went wrong',
    message: 'An unexpected error stopped this page. Please try again.',
  };
}
