/**
 * POST /logout: CSRF protected; revokes the tokens (where a revocation endpoint is configured),
 * logs out, destroys the session and clears the cookie.
 */
import { Router } from 'express';
import type { AppContext } from '../context';
import { endSession } from './session-end';

/** The logout route. */
export function logoutRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/logout', ctx.formBody, ctx.csrf.protect, async (req, res, next) => {
    await endSession(ctx, req, res, next, 'logged-out', { revoke: true });
  });
  return router;
}
