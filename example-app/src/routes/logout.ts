/**
 * POST /logout: CSRF protected; revokes the tokens (where a revocation endpoint is configured),
 * logs out, destroys the session and clears the cookie.
 */
import { Router } from 'express';
import type { AppContext } from '../context';
import { currentUser } from '../session-user';
import { endSession } from './session-end';

/** The logout route. */
export function logoutRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/logout', (req, res, next) => {
    // Nobody is logged in (the session ended, or never began): there is nothing to end, nor
    // anything a forged post could do, so no token is needed and nothing stored is touched.
    if (currentUser(req) === undefined) res.redirect(303, '/?notice=logged-out');
    else next();
  });
  router.post('/logout', ctx.formBody, ctx.csrf.protect, async (req, res, next) => {
    await endSession(ctx, req, res, next, 'logged-out', { revoke: true });
  });
  return router;
}
