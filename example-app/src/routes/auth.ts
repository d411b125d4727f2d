/**
 * Login routes: GET /auth/agilecrm starts "Log in with Agile CRM" for the chosen account,
 * GET /auth/agilecrm/callback finishes it, POST /auth/apikey logs in with email + API key.
 * All are rate limited; the API-key form is CSRF protected (the OAuth flow has its state).
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { sendFailure } from '../context';
import { saveCredentials, type LoginResult } from '../credentials';
import { BAD_CALLBACK, BAD_STATE, DENIED, describeError, type Failure } from '../failures';
import { DEFAULT_RETURN_TO, safeReturnTo } from '../return-to';
import { isSessionUser } from '../session-user';
import { sendHome } from './home';

const BAD_ACCOUNT: Failure = {
  status: 400,
  title: 'Check the account name',
  message: 'Enter your Agile CRM account name: the "acme" in acme.agilecrm.com.',
};

/** The login routes. */
export function authRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/auth/agilecrm', ctx.loginLimit, (req, res, next) => {
    const account = req.query['account'] ?? ctx.agilecrm.defaultDomain;
    const returnTo = safeReturnTo(req.query['returnTo']);
    // On success the strategy redirects to Agile CRM; the callback below only sees failures.
    ctx.passport.authenticate(
      'agilecrm',
      // The strategy seals `state` with the pending login and returns it in info.state.
      { domain: account, ...(returnTo ? { state: returnTo } : {}) },
      (err: unknown) => {
        if (err) fail(ctx, res, err, '/');
        else sendFailure(ctx, res, BAD_ACCOUNT, '/');
      },
    )(req, res, next);
  });

  router.get('/auth/agilecrm/callback', ctx.loginLimit, (req, res, next) => {
    ctx.passport.authenticate(
      'agilecrm',
      (err: unknown, result: unknown, info: unknown, status: unknown) => {
        if (err) {
          fail(ctx, res, err, '/');
        } else if (isLoginResult(result)) {
          finishLogin(ctx, req, res, next, result, returnToFrom(info));
        } else if (req.query['error'] === 'access_denied') {
          sendFailure(ctx, res, DENIED, '/');
        } else {
          sendFailure(ctx, res, status === 400 ? BAD_CALLBACK : BAD_STATE, '/');
        }
      },
    )(req, res, next);
  });

  router.post('/auth/apikey', ctx.loginLimit, ctx.formBody, ctx.csrf.protect, (req, res, next) => {
    const body = req.body as Record<string, unknown>;
    const returnTo = safeReturnTo(body['returnTo']);
    ctx.passport.authenticate(
      'agilecrm-apikey',
      (err: unknown, result: unknown, info: unknown, status: unknown) => {
        if (err) {
          fail(ctx, res, err, '/');
        } else if (isLoginResult(result)) {
          finishLogin(ctx, req, res, next, result, returnTo);
        } else {
          const apiKeyError = {
            message: messageOf(info) ?? 'Those credentials were not accepted.',
            domain: text(body['domain']),
            email: text(body['email']),
          };
          sendHome(
            ctx,
            req,
            res,
            { apiKeyError, returnTo },
            typeof status === 'number' ? status : 401,
          );
        }
      },
    )(req, res, next);
  });

  return router;
}

/**
 * Logs the user in. Passport regenerates the session here (a new session id, so a fixated id
 * is useless); `returnTo` was kept outside the session, with the pending login or in the form.
 */
function finishLogin(
  ctx: AppContext,
  req: Request,
  res: Response,
  next: NextFunction,
  result: LoginResult,
  returnTo: string | undefined,
): void {
  req.logIn(result.user, (err: unknown) => {
    if (err) {
      next(err);
      return;
    }
    saveCredentials(req, ctx.vault, result.user, result.credentials);
    res.redirect(303, safeReturnTo(returnTo) ?? DEFAULT_RETURN_TO);
  });
}

function fail(ctx: AppContext, res: Response, err: unknown, retryURL: string): void {
  // Error names only: messages could quote Agile CRM, and details belong in a debugger.
  ctx.log(`Login failed: ${err instanceof Error ? err.name : 'error'}`);
  sendFailure(ctx, res, describeError(err), retryURL);
}

function isLoginResult(value: unknown): value is LoginResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    'user' in value &&
    isSessionUser(value.user) &&
    'credentials' in value
  );
}

function returnToFrom(info: unknown): string | undefined {
  if (typeof info !== 'object' || info === null || !('state' in info)) return undefined;
  return safeReturnTo(info.state);
}

function messageOf(info: unknown): string | undefined {
  return typeof info === 'object' &&
    info !== null &&
    'message' in info &&
    typeof info.message === 'string'
    ? info.message
    : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 200) : '';
}
