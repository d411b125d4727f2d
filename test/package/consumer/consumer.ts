/**
 * A strict TypeScript application using the built package by name, as a new user would write
 * it: every verify form without a single parameter annotation. Compiled with `tsc --noEmit` by
 * test/package/typescript-consumer.test.ts; never run.
 */
import express from 'express';
import passport from 'passport';
import {
  AgileCRMAPIError,
  AgileCRMStrategy,
  CookiePendingLoginStore,
  Strategy,
  TokenError,
  type AgileCRMProfile,
  type AgileCRMUser,
  type StrategyOptions,
  type TokenSet,
} from 'passport-agilecrm';

interface AppUser {
  id: string;
  email: string | undefined;
  domain: string;
  accessToken: string;
  refreshToken: string | undefined;
}

function toUser(
  accessToken: string,
  refreshToken: string | undefined,
  profile: AgileCRMProfile,
): AppUser {
  return {
    id: profile.id,
    email: profile.emails?.[0]?.value,
    domain: profile.domain,
    accessToken,
    refreshToken,
  };
}

const base: StrategyOptions = {
  clientID: 'client-id',
  clientSecret: 'client-secret',
  callbackURL: '/auth/agilecrm/callback',
};

// (accessToken, refreshToken, profile, done)
passport.use(
  new Strategy({ ...base, domain: 'acme' }, (accessToken, refreshToken, profile, done) => {
    // @ts-expect-error the profile is typed, not any
    void profile.notAField;
    done(null, toUser(accessToken, refreshToken, profile));
  }),
);

// (accessToken, refreshToken, params, profile, done)
passport.use(
  'agilecrm-params',
  new AgileCRMStrategy(base, (accessToken, refreshToken, params, profile, done) => {
    const expiresIn: unknown = params['expires_in'];
    done(null, toUser(accessToken, refreshToken, profile), { message: String(expiresIn) });
  }),
);

// async (accessToken, refreshToken, profile) => user, or false to fail the login
passport.use(
  'agilecrm-async',
  new Strategy(base, async (accessToken, refreshToken, profile) => {
    if (profile._json.is_disabled === true) return false;
    return toUser(accessToken, refreshToken, profile);
  }),
);

// req first: (req, accessToken, refreshToken, profile, done)
passport.use(
  'agilecrm-req',
  new Strategy(
    { ...base, passReqToCallback: true },
    (req, accessToken, refreshToken, profile, done) => {
      const path: string = req.path;
      done(null, toUser(accessToken, refreshToken, profile), { message: path });
    },
  ),
);

// req first: (req, accessToken, refreshToken, params, profile, done)
passport.use(
  'agilecrm-req-params',
  new Strategy(
    { ...base, passReqToCallback: true },
    (req, accessToken, refreshToken, params, profile, done) => {
      const tokenType: unknown = params['token_type'];
      done(null, toUser(accessToken, refreshToken, profile), {
        message: `${req.method} ${String(tokenType)}`,
      });
    },
  ),
);

// req first, async
passport.use(
  'agilecrm-req-async',
  new Strategy(
    { ...base, passReqToCallback: true },
    async (req, accessToken, refreshToken, profile) => {
      const ip: string | undefined = req.ip;
      return ip === undefined ? false : toUser(accessToken, refreshToken, profile);
    },
  ),
);

// Pending logins in a sealed cookie, the secret rotating; no session needed for the login.
passport.use(
  'agilecrm-cookie',
  new Strategy(
    {
      ...base,
      store: new CookiePendingLoginStore({
        secret: [process.env['NEW_SECRET'] ?? '', process.env['OLD_SECRET'] ?? ''],
        ttl: 5 * 60_000,
      }),
    },
    async (accessToken, refreshToken, profile) => toUser(accessToken, refreshToken, profile),
  ),
);

const strategy = new Strategy(
  { ...base, revokeURL: 'https://{domain}.agilecrm.com/oauth/revoke' },
  async (accessToken, refreshToken, profile) => toUser(accessToken, refreshToken, profile),
);
const registeredAs: string = strategy.name;

async function renew(user: AgileCRMUser, refreshToken: string): Promise<number | undefined> {
  const tokens: TokenSet = await strategy.refresh(refreshToken, { domain: user.domain ?? 'acme' });
  await strategy.revoke(tokens.accessToken, { domain: 'acme', tokenTypeHint: 'access_token' });
  return tokens.expiresAt;
}

const app = express();
app.get('/auth/agilecrm', (req, res, next) => {
  passport.authenticate('agilecrm', { domain: req.query['tenant'] })(req, res, next);
});
app.get('/auth/cookie', passport.authenticate('agilecrm-cookie', { session: false }));
app.get(
  '/auth/agilecrm/callback',
  passport.authenticate('agilecrm', { failureRedirect: '/login' }),
  (_req, res) => {
    res.redirect('/');
  },
);
app.use(
  (err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (err instanceof AgileCRMAPIError) {
      const status: number = err.status;
      const code: 'AGILECRM_API_ERROR' = err.code;
      res.status(502).send(`${err.name} ${status} ${code} ${registeredAs}`);
      return;
    }
    if (err instanceof TokenError) {
      res.status(502).send(err.code);
      return;
    }
    next(err);
  },
);

export { app, renew };
