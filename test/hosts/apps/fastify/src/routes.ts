// src/routes.ts
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { fastifyPassport } from './passport.js';

/** Login routes; register a session plugin before this one. */
export async function loginRoutes(app: FastifyInstance): Promise<void> {
  await app.register(formbody); // ApiKeyStrategy reads request.body
  await app.register(fastifyPassport.initialize());
  await app.register(fastifyPassport.secureSession());

  // A refused login answers with its status: 401 for a wrong API key, 403 for a forged or
  // replayed callback.
  const done = { successRedirect: '/' };
  app.get('/auth/agilecrm', { preValidation: fastifyPassport.authenticate('agilecrm') }, () => {});
  app.get(
    '/auth/agilecrm/callback',
    { preValidation: fastifyPassport.authenticate('agilecrm', done) },
    () => {},
  );
  app.post(
    '/login/apikey',
    { preValidation: fastifyPassport.authenticate('agilecrm-apikey', done) },
    () => {},
  );
  app.get('/me', async (request, reply) => {
    if (!request.user) return reply.code(401).send({ error: 'not logged in' });
    return request.user;
  });
}
