/**
 * What the route modules share: configuration, Passport, the vault, the Agile CRM access
 * helper, CSRF and the page renderers.
 */
import type { RequestHandler, Response } from 'express';
import type passport from 'passport';
import type { Strategy } from 'passport-agilecrm';
import type { AgileCRMConfig } from './auth';
import type { Failure } from './failures';
import type { CsrfProtection } from './security';
import type { AgileCRMAccess } from './tokens';
import type { TokenVault } from './token-vault';
import { errorPage } from './views/error';

/** Demo-mode extras shown on the home page. */
export interface DemoInfo {
  credentials: { domain: string; email: string; apiKey: string };
}

/** Shared by every route module. */
export interface AppContext {
  agilecrm: AgileCRMConfig;
  demo: DemoInfo | undefined;
  passport: passport.PassportStatic;
  oauth: Strategy;
  vault: TokenVault;
  access: AgileCRMAccess;
  csrf: CsrfProtection;
  loginLimit: RequestHandler;
  formBody: RequestHandler;
  log: (line: string) => void;
}

/** Sends the friendly error page for `failure`; "Try again" goes to `retryURL`. */
export function sendFailure(
  ctx: AppContext,
  res: Response,
  failure: Failure,
  retryURL = '/',
): void {
  res
    .status(failure.status)
    .type('html')
    .send(
      errorPage({
        demo: ctx.demo !== undefined,
        title: failure.title,
        message: failure.message,
        retryURL,
      }),
    );
}
