// src/session-main.ts
import cookie from '@fastify/cookie';
import session from '@fastify/session';
import Fastify from 'fastify';
import { useStrategies } from './passport.js';
import { loginRoutes } from './routes.js';

useStrategies();
const app = Fastify();
await app.register(cookie);
await app.register(session, { secret: process.env.SESSION_SECRET!, cookie: { secure: 'auto' } });
await app.register(loginRoutes);
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });
console.log(`Listening on ${address}`);
