/**
 * src/cookie-main.ts without linkReplies(): CookiePendingLoginStore cannot reach the reply, so
 * each login start must fail at once with an error that says what is missing.
 */
import cookie from '@fastify/cookie';
import session from '@fastify/session';
import Fastify from 'fastify';
import { CookiePendingLoginStore } from 'passport-agilecrm';
import { useStrategies } from './passport.js';
import { loginRoutes } from './routes.js';

useStrategies(new CookiePendingLoginStore({ secret: process.env.PENDING_LOGIN_SECRET! }));
const app = Fastify();
await app.register(cookie);
await app.register(session, { secret: process.env.SESSION_SECRET!, saveUninitialized: false });
await app.register(loginRoutes);
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });
console.log(`Listening on ${address}`);
