/**
 * Security middleware from maintained libraries: helmet (headers, Content Security Policy),
 * express-rate-limit (login floods answer 429; counts in Redis with rate-limit-redis when several
 * instances share one) and csrf-csrf (signed double-submit tokens for POST forms).
 */
import { hkdfSync } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { rateLimit, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { doubleCsrf } from 'csrf-csrf';
import type { RedisConnection } from './redis';
import { currentUser } from './session-user';

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

/** CSRF protection for the POST forms: middleware that checks a post, and a form's token. */
export interface CsrfProtection {
  protect: RequestHandler;
  /** The token for a form on this page (it also sets the matching cookie on `res`). */
  token(req: Request, res: Response): string;
}

/**
 * CSRF protection that stores nothing on the server: a signed double-submit token (csrf-csrf).
 * The token sits in an httpOnly SameSite=Strict cookie and in the form's `_csrf` field; a post
 * is accepted when both match and the HMAC (keyed from `secret`) checks out. For a logged-in
 * user the HMAC covers the session id, so a token works only in the session it was made for
 * (and none survives logout or the new session id of a login). Visitors who are not logged in
 * have no stored session, and keeping one only for a token would let anyone fill the store:
 * their token is bound to the cookie alone, which `__Host-` keeps other hosts from planting over
 * HTTPS.
 */
export function csrfProtection(secret: string, https: boolean): CsrfProtection {
  const key = Buffer.from(
    hkdfSync('sha256', secret, 'passport-agilecrm example-app', 'csrf token HMAC v1', 32),
  ).toString('base64url');
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => key,
    getSessionIdentifier: (req) => (currentUser(req) === undefined ? '' : req.sessionID),
    // The `__Host-` prefix needs the Secure flag, which plain-http local runs cannot have.
    cookieName: https ? '__Host-agilecrm_example.csrf' : 'agilecrm_example.csrf',
    cookieOptions: { sameSite: 'strict', path: '/', secure: https, httpOnly: true },
    getCsrfTokenFromRequest: (req) => {
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null) return undefined;
      const token: unknown = (body as Record<string, unknown>)['_csrf'];
      return typeof token === 'string' ? token : undefined;
    },
  });
  return { protect: doubleCsrfProtection, token: (req, res) => generateCsrfToken(req, res) };
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
