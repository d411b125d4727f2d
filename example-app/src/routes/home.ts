/**
 * GET / (the login choices) and the stylesheet.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { safeReturnTo } from '../return-to';
import { currentUser } from '../session-user';
import { homePage, NOTICES, type HomeView, type NoticeKey } from '../views/home';
import { STYLES } from '../views/styles';

/** Renders the home page, optionally with the API-key form's error. */
export function sendHome(
  ctx: AppContext,
  req: Request,
  res: Response,
  extra: Pick<HomeView, 'apiKeyError' | 'returnTo'> = {},
  status = 200,
): void {
  const notice = req.query['notice'];
  const view: HomeView = {
    demo: ctx.demo !== undefined,
    defaultAccount: ctx.agilecrm.defaultDomain,
    csrfToken: ctx.csrf.token(req, res),
    returnTo: extra.returnTo ?? safeReturnTo(req.query['returnTo']),
    notice:
      typeof notice === 'string' && Object.hasOwn(NOTICES, notice)
        ? (notice as NoticeKey)
        : undefined,
    apiKeyError: extra.apiKeyError,
    signedInAs: currentUser(req)?.name,
    demoCredentials: ctx.demo?.credentials,
  };
  res.status(status).type('html').send(homePage(view));
}

/** The home page routes. */
export function homeRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/styles.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('css').send(STYLES);
  });
  router.get('/', (req, res) => sendHome(ctx, req, res));
  return router;
}
