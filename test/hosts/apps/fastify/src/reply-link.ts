// src/reply-link.ts
import type { FastifyInstance, FastifyReply } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's reply, where CookiePendingLoginStore sets its cookie (Express's req.res). */
    res: FastifyReply | null;
  }
}

/**
 * Links each request to its reply as `request.res`. `@fastify/passport` hands strategies the
 * request alone, and CookiePendingLoginStore needs the reply to set its cookie.
 */
export function linkReplies(app: FastifyInstance): void {
  app.decorateRequest('res', null);
  app.addHook('onRequest', async (request, reply) => {
    request.res = reply;
  });
}
