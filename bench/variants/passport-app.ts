/**
 * The part of the ours and baseline apps that passport provides: a private Authenticator, a
 * session-backed user, the login and callback routes.
 */
import type { Express, NextFunction, Request, Response } from 'express';
import passport from 'passport';
import type { Strategy } from 'passport';
import { CALLBACK_PATH } from './settings';

/** The logged-in user kept in the session: only the id, as most apps do. */
interface BenchUser {
  id: string;
}

/** Mounts `/login` and the callback on `app`, logging in through `strategy`. */
export function mountPassport(app: Express, strategy: Strategy & { name: string }): void {
  const authenticator = new passport.Authenticator();
  authenticator.use(strategy);
  authenticator.serializeUser((user, done) => done(null, (user as BenchUser).id));
  authenticator.deserializeUser((id: string, done) => done(null, { id }));
  // As the README's quick start: passport 0.6 and later need no initialize() middleware.
  app.use(authenticator.session());
  app.get('/login', authenticator.authenticate(strategy.name));
  app.get(
    CALLBACK_PATH,
    authenticator.authenticate(strategy.name, { failWithError: true }),
    (req: Request, res: Response) => {
      res.type('text').send(`logged in ${(req.user as BenchUser).id}`);
    },
  );
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).type('text').send(`login failed: ${err.message}`);
  });
}

/** The verify callback shared by both passport variants: the user is the profile id. */
export function verify(
  _accessToken: string,
  _refreshToken: string | undefined,
  profile: { id: string },
  done: (err: unknown, user?: BenchUser) => void,
): void {
  done(null, { id: profile.id });
}
