// src/cookie-main.ts
import cookie from '@fastify/cookie';
import session from '@fastify/session';
import Fastify from 'fastify';
import { CookiePendingLoginStore } from 'passport-agilecrm';
import { useStrategies } from './passport.js';
import { linkReplies } from './reply-link.js';
import { loginRoutes } from './routes.js';

useStrategies(new CookiePendingLoginStore({ secret: process.env.PENDING_LOGIN_SECRET! }));
const app = Fastify();
linkReplies(app);
await app.register(cookie);
// A login start leaves the session empty: saveUninitialized: false keeps it unsaved until login.
await app.register(session, {
  secret: process.env.SESSION_SECRET!,
  saveUninitialized: false,
  cookie: { secure: 'auto' },
});
await app.register(loginRoutes);
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });
console.log(`Listening on ${address}`);
