/**
 * Variant "limit": the same app with no passport. `/login` stores a random state and a PKCE
 * verifier in the session and redirects; the callback makes the same two provider requests
 * directly over a keep-alive agent and logs the user in the way passport does (new session id,
 * user id in the session). This is the floor any strategy sits on.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as https from 'node:https';
import type { Express, NextFunction, Request, Response } from 'express';
import { CALLBACK_PATH, endpointsOf, type ProviderSettings } from './settings';

declare module 'express-session' {
  interface SessionData {
    pendingLogin?: { state: string; verifier: string };
    passport?: { user: string };
  }
}

/** Mounts the hand-written login routes on `app`; returns the agent used for the provider. */
export function mountLimit(app: Express, settings: ProviderSettings): https.Agent {
  const endpoints = endpointsOf(settings);
  const agent = new https.Agent({ keepAlive: true, ca: settings.ca });

  app.get('/login', (req: Request, res: Response) => {
    const state = randomBytes(24).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    req.session.pendingLogin = { state, verifier };
    const url = new URL(endpoints.authorizationURL);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', settings.clientID);
    url.searchParams.set('redirect_uri', callbackURL(req));
    url.searchParams.set('state', state);
    url.searchParams.set(
      'code_challenge',
      createHash('sha256').update(verifier).digest('base64url'),
    );
    url.searchParams.set('code_challenge_method', 'S256');
    // A bare 302, as passport sends it (res.redirect would also render a body).
    res.writeHead(302, { location: url.href }).end();
  });

  app.get(CALLBACK_PATH, (req: Request, res: Response, next: NextFunction) => {
    const { code, state } = req.query;
    const pending = req.session.pendingLogin;
    if (typeof code !== 'string' || pending === undefined || state !== pending.state) {
      res.status(403).type('text').send('invalid state');
      return;
    }
    delete req.session.pendingLogin;
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackURL(req),
      client_id: settings.clientID,
      client_secret: settings.clientSecret,
      code_verifier: pending.verifier,
    }).toString();
    call(agent, 'POST', endpoints.tokenURL, form, {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    })
      .then((tokenBody) => {
        const tokens = JSON.parse(tokenBody) as { access_token: string };
        return call(agent, 'GET', endpoints.profileURL, undefined, {
          accept: 'application/json',
          authorization: `Bearer ${tokens.access_token}`,
        });
      })
      .then((userBody) => {
        const user = JSON.parse(userBody) as { id: number | string };
        req.session.regenerate((err) => {
          if (err) return next(err);
          req.session.passport = { user: String(user.id) };
          req.session.save((saveErr) => {
            if (saveErr) return next(saveErr);
            res.type('text').send(`logged in ${user.id}`);
          });
        });
      })
      .catch(next);
  });

  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).type('text').send(`login failed: ${err.message}`);
  });
  return agent;
}

function callbackURL(req: Request): string {
  return `${req.protocol}://${req.headers.host}${CALLBACK_PATH}`;
}

/** One request; resolves with the body of a 2xx answer. */
function call(
  agent: https.Agent,
  method: string,
  url: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        agent,
        headers:
          body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(text);
          else reject(new Error(`${method} ${url} answered ${status}`));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
