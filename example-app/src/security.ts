/**
 * Security middleware from maintained libraries: helmet (headers, Content Security Policy),
 * express-rate-limit (login floods answer 429; counts in Redis with rate-limit-redis when several
 * instances share one) and csrf-sync (synchronizer tokens for POST forms).
 */
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { rateLimit, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { RedisConnection } from './redis';
import { csrfSync } from 'csrf-sync';

/**
 * Security headers. `agileCRMOrigins` are the origins the browser is sent to during login (form
 * submissions redirect there, and Chromium checks `form-action` on redirects) and where avatars
 * come from.
 */
export function securityHeaders(agileCRMOrigins: string[], https: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'https:', ...agileCRMOrigins],
        'form-action': ["'self'", ...agileCRMOrigins],
        // On plain http (local demo) upgrading would break the emulator's http URLs.
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
  });
}

/**
 * Limits login attempts (starting an OAuth login, its callback, API-key posts) per client address:
 * `limit` per minute, then HTTP 429 with standard RateLimit headers and `render`'s page. The
 * counts are kept in `redis` when given, so instances sharing it share one budget per address
 * (each instance's own memory would allow the limit once per instance).
 */
export function loginRateLimit(
  limit: number,
  render: (req: Request, res: Response) => void,
  redis?: RedisConnection,
): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => render(req, res),
    ...(redis === undefined ? {} : { store: redisCounts(redis) }),
  });
}

function redisCounts(redis: RedisConnection): Store {
  return new RedisStore({
    prefix: 'agilecrm-example:login-limit:',
    sendCommand: (...command: string[]) => redis.client.sendCommand(command) as Promise<RedisReply>,
  });
}

/** CSRF protection for POST forms; the token travels in the `_csrf` form field. */
export function csrfProtection(): {
  protect: RequestHandler;
  token: (req: Request) => string;
} {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null) return undefined;
      const token: unknown = (body as Record<string, unknown>)['_csrf'];
      return typeof token === 'string' ? token : undefined;
    },
  });
  return { protect: csrfSynchronisedProtection, token: (req) => generateToken(req) };
}

/**
 * The origin part of an Agile CRM URL template for use in CSP: `https://{domain}.agilecrm.com`
 * becomes `https://*.agilecrm.com`, `http://127.0.0.1:4000/{domain}` becomes
 * `http://127.0.0.1:4000`.
 */
export function cspOrigin(template: string): string {
  const marker = 'domainplaceholder';
  const origin = new URL(template.replaceAll('{domain}', marker)).origin;
  return origin.replace(marker, '*');
}
