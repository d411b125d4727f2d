/**
 * Ending a session: revoke the OAuth tokens where the provider has a revocation endpoint, log
 * out of Passport, destroy the stored session and clear its cookie.
 */
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context';
import { loadCredentials } from '../credentials';
import { SESSION_COOKIE } from '../session';
import { currentUser } from '../session-user';
import type { NoticeKey } from '../views/home';

/** Logs the user out and redirects home with `notice`; `revoke` also revokes their tokens. */
export async function endSession(
  ctx: AppContext,
  req: Request,
  res: Response,
  next: NextFunction,
  notice: NoticeKey,
  options: { revoke: boolean },
): Promise<void> {
  if (options.revoke) await revokeTokens(ctx, req);
  req.logout((logoutErr) => {
    if (logoutErr) {
      next(logoutErr);
      return;
    }
    req.session.destroy((destroyErr: unknown) => {
      if (destroyErr) {
        next(destroyErr);
        return;
      }
      res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax' });
      // 303: the browser follows with a GET, so reloading the home page never re-posts.
      res.redirect(303, `/?notice=${notice}`);
    });
  });
}

async function revokeTokens(ctx: AppContext, req: Request): Promise<void> {
  const user = currentUser(req);
  if (ctx.agilecrm.revokeURL === undefined || user === undefined) return;
  const credentials = loadCredentials(req, ctx.vault, user);
  if (credentials?.kind !== 'oauth') return;
  const tokens: { token: string; hint: 'refresh_token' | 'access_token' }[] = [];
  if (credentials.refreshToken)
    tokens.push({ token: credentials.refreshToken, hint: 'refresh_token' });
  tokens.push({ token: credentials.accessToken, hint: 'access_token' });
  // Both at once, so an Agile CRM that hangs delays logout by one timeout, not two.
  await Promise.all(
    tokens.map(async ({ token, hint }) => {
      try {
        await ctx.oauth.revoke(token, { domain: user.domain, tokenTypeHint: hint });
      } catch (err) {
        // Logging out must work even when Agile CRM does not; the error names no token.
        ctx.log(`Token revocation failed: ${err instanceof Error ? err.name : 'error'}`);
      }
    }),
  );
}
