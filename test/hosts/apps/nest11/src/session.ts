// nest new's tsconfig of Nest 10 and early Nest 11 has no esModuleInterop: import CommonJS
// packages whole.
import * as session from 'express-session';
import * as passport from 'passport';

export const sessionMiddleware = [
  session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }),
  passport.session(),
];
