/**
 * The bench's ways of serving an app (bench/hosting.ts), which the README recommends to apps:
 * with request and response classes on Express's prototypes, Express works as with
 * `app.listen()`, and requests at the same point of the middleware chain share one hidden class.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { expect } from 'chai';
import express, { type Request } from 'express';
import session from 'express-session';
import { createAppServer, HOSTINGS, type Hosting } from '../../bench/hosting';

// V8's own test intrinsics tell whether two objects share a hidden class. Functions compiled
// after the flag is set may use them.
setFlagsFromString('--allow-natives-syntax');
const haveSameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (
  a: object,
  b: object,
) => boolean;

interface Answer {
  status: number;
  body: string;
  cookie: string | undefined;
}

function call(
  port: number,
  agent: http.Agent,
  options: { method?: string; path: string; cookie?: string; form?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    if (options.cookie !== undefined) headers['cookie'] = options.cookie;
    if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(options.form);
    }
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: options.method ?? 'GET',
        path: options.path,
        headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            cookie: res.headers['set-cookie']?.[0]?.split(';')[0],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.form);
  });
}

/** An app with sessions, a query, a form body and two requests held until both have arrived. */
function appUnderTest() {
  const app = express();
  app.use(session({ secret: 'test-only', resave: false, saveUninitialized: false }));
  app.use(express.urlencoded({ extended: false }));
  const held: Request[] = [];
  let release: (same: boolean) => void = () => undefined;
  const bothHeld = new Promise<boolean>((resolve) => (release = resolve));
  app.get('/hold', (req, res) => {
    held.push(req);
    if (held.length === 2) release(haveSameHiddenClass(held[0]!, held[1]!));
    void bothHeld.then(() => res.send('released'));
  });
  app.get('/count', (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.json({ views: req.session.views, q: req.query['q'], proto: isAppRequest(req) });
  });
  app.post('/form', (req, res) => {
    res.status(201).send(`name=${(req.body as { name?: string }).name}`);
  });
  const isAppRequest = (req: Request): boolean => Object.getPrototypeOf(req) === app.request;
  return { app, bothHeld };
}

declare module 'express-session' {
  interface SessionData {
    views?: number;
  }
}

async function serve(hosting: Hosting) {
  const { app, bothHeld } = appUnderTest();
  const server = createAppServer(app, hosting);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const close = async (): Promise<void> => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port, agent, bothHeld, close };
}

describe('bench hosting', () => {
  for (const hosting of HOSTINGS) {
    it(`${hosting}: Express, its session and body parsing work over kept-alive connections`, async () => {
      const { port, agent, close } = await serve(hosting);
      try {
        const first = await call(port, agent, { path: '/count?q=a%20b' });
        expect(first.status).to.equal(200);
        expect(JSON.parse(first.body)).to.deep.equal({ views: 1, q: 'a b', proto: true });
        expect(first.cookie).to.be.a('string');
        for (let views = 2; views <= 4; views++) {
          const next = await call(port, agent, { path: '/count', cookie: first.cookie! });
          expect(JSON.parse(next.body)).to.include({ views });
        }
        const posted = await call(port, agent, {
          method: 'POST',
          path: '/form',
          form: 'name=caf%C3%A9',
        });
        expect(posted).to.include({ status: 201, body: 'name=café' });
        expect((await call(port, agent, { path: '/missing' })).status).to.equal(404);
      } finally {
        await close();
      }
    });
  }

  const hiddenClasses: Array<[Hosting, boolean, string]> = [
    ['classes', true, 'two requests at the same point of the chain share one hidden class'],
    ['listen', false, 'each request gets a hidden class of its own (what classes avoids)'],
  ];
  for (const [hosting, shared, title] of hiddenClasses) {
    it(`${hosting}: ${title}`, async () => {
      const { port, agent, bothHeld, close } = await serve(hosting);
      try {
        await Promise.all([
          call(port, agent, { path: '/hold' }),
          call(port, agent, { path: '/hold' }),
        ]);
        expect(await bothHeld).to.equal(shared);
      } finally {
        await close();
      }
    });
  }
});
