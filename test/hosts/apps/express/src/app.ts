// src/app.ts
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { ApiKeyStrategy, Strategy, type AgileCRMProfile } from 'passport-agilecrm';

function toUser(profile: AgileCRMProfile) {
  return { id: profile.id, name: profile.displayName, domain: profile.domain };
}

// Unset in production (https://{domain}.agilecrm.com); tests point it at the emulator.
const baseURL = process.env.AGILECRM_BASE_URL;

passport.use(
  new Strategy(
    {
      clientID: process.env.AGILECRM_CLIENT_ID!,
      clientSecret: process.env.AGILECRM_CLIENT_SECRET!,
      callbackURL: '/auth/agilecrm/callback',
      domain: process.env.AGILECRM_DOMAIN, // unset: choose the account per login
      baseURL,
    },
    async (_accessToken, _refreshToken, profile) => toUser(profile),
  ),
);
passport.use(new ApiKeyStrategy({ baseURL }, async (profile) => toUser(profile)));
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user: Express.User, done) => done(null, user));

export const app = express();
app.use(express.urlencoded({ extended: false })); // ApiKeyStrategy reads req.body
app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
app.use(passport.session());

app.get('/auth/agilecrm', passport.authenticate('agilecrm'));
app.get(
  '/auth/agilecrm/callback',
  passport.authenticate('agilecrm', { successRedirect: '/', failureRedirect: '/login' }),
);
app.post(
  '/login/apikey',
  passport.authenticate('agilecrm-apikey', { successRedirect: '/', failureRedirect: '/login' }),
);
app.get('/me', (req, res) => {
  if (req.user) res.json(req.user);
  else res.status(401).json({ error: 'not logged in' });
});
