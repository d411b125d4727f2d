// src/session.ts
import session from 'express-session';
import passport from 'passport';

/**
 * The session keeps the logged-in user and, between the redirect to Agile CRM and the callback,
 * the pending login (state and PKCE verifier).
 */
export const sessionMiddleware = [
  session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }),
  passport.session(),
];
