// src/token-app.ts
import express from 'express';
import jwt from 'jsonwebtoken';
import passport from 'passport';
import {
  ApiKeyStrategy,
  CookiePendingLoginStore,
  Strategy,
  type AgileCRMProfile,
} from 'passport-agilecrm';

function toUser(profile: AgileCRMProfile) {
  return { id: profile.id, name: profile.displayName, domain: profile.domain };
}

// Unset in production (https://{domain}.agilecrm.com); tests point it at the emulator.
const baseURL = process.env.AGILECRM_BASE_URL;
const jwtSecret = process.env.JWT_SECRET!;

passport.use(
  new Strategy(
    {
      clientID: process.env.AGILECRM_CLIENT_ID!,
      clientSecret: process.env.AGILECRM_CLIENT_SECRET!,
      callbackURL: '/auth/agilecrm/callback',
      domain: process.env.AGILECRM_DOMAIN, // unset: choose the account per login
      baseURL,
      // Between the redirect and the callback, the pending login waits in a sealed cookie.
      store: new CookiePendingLoginStore({ secret: process.env.PENDING_LOGIN_SECRET! }),
    },
    async (_accessToken, _refreshToken, profile) => toUser(profile),
  ),
);
passport.use(new ApiKeyStrategy({ baseURL }, async (profile) => toUser(profile)));

/** Answers a completed login with the app's own token for `req.user`. */
function issueToken(req: express.Request, res: express.Response) {
  res.json({ token: jwt.sign({ user: req.user }, jwtSecret, { expiresIn: '1h' }) });
}

/** Lets a request through when it carries a token of this app as `Authorization: Bearer`. */
function requireToken(req: express.Request, res: express.Response, next: express.NextFunction) {
  const token = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
  try {
    const payload = jwt.verify(token ?? '', jwtSecret, { algorithms: ['HS256'] });
    if (typeof payload === 'object') {
      req.user = payload.user;
      return next();
    }
  } catch {
    // Missing, expired or not ours: 401 below.
  }
  res.status(401).json({ error: 'not logged in' });
}

// No session middleware: `session: false` hands the user to the next handler as req.user.
export const app = express();
app.use(express.urlencoded({ extended: false })); // ApiKeyStrategy reads req.body

app.get('/auth/agilecrm', passport.authenticate('agilecrm', { session: false }));
app.get(
  '/auth/agilecrm/callback',
  passport.authenticate('agilecrm', { session: false }),
  issueToken,
);
app.post('/login/apikey', passport.authenticate('agilecrm-apikey', { session: false }), issueToken);
app.get('/me', requireToken, (req, res) => {
  res.json(req.user);
});
