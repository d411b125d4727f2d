// src/secure-cookie-main.ts
import secureSession from '@fastify/secure-session';
import Fastify from 'fastify';
import { CookiePendingLoginStore } from 'passport-agilecrm';
import { useStrategies } from './passport.js';
import { linkReplies } from './reply-link.js';
import { loginRoutes } from './routes.js';

useStrategies(new CookiePendingLoginStore({ secret: process.env.PENDING_LOGIN_SECRET! }));
const app = Fastify();
linkReplies(app);
// The session cookie holds the logged-in user only; a login start leaves it unwritten.
await app.register(secureSession, {
  secret: process.env.SESSION_SECRET!,
  salt: process.env.SESSION_SALT!, // 16 bytes
  cookie: { path: '/', httpOnly: true },
});
await app.register(loginRoutes);
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });
console.log(`Listening on ${address}`);
