// src/secure-session-main.ts
import secureSession from '@fastify/secure-session';
import Fastify from 'fastify';
import { useStrategies } from './passport.js';
import { loginRoutes } from './routes.js';

useStrategies();
const app = Fastify();
// A cookie-only session: the whole session, pending logins included, is encrypted in the cookie.
await app.register(secureSession, {
  secret: process.env.SESSION_SECRET!,
  salt: process.env.SESSION_SALT!, // 16 bytes
  cookie: { path: '/', httpOnly: true },
});
await app.register(loginRoutes);
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });
console.log(`Listening on ${address}`);
