/**
 * The hosts the package is tested in. Each host is a project under apps/ (its package.json with
 * pinned versions and its ecosystem's usual tsconfig), optionally sharing sources with another;
 * each of its apps is one entry point, started on its own and logged in to over HTTP.
 *
 * To test one more configuration of a host (another strategy setup, another session store), add
 * its entry point under the host's src/ and one line to its `apps`.
 */

/** One login the driver performs against an app. */
export type Login =
  | { kind: 'oauth'; path: string }
  | { kind: 'apikey'; path: string }
  /** An OAuth login start that must fail at once: the app links no reply to its requests. */
  | { kind: 'unlinked'; path: string };

/** One entry point of a host project. */
export interface HostApp {
  title: string;
  /** The compiled entry point, relative to the host folder. */
  entry: string;
  logins: Login[];
  /** Settings beyond the emulator's, which every app gets. */
  env?: Record<string, string>;
  /**
   * Where pending logins wait between the redirect and the callback: the session (default) or
   * `CookiePendingLoginStore`'s sealed cookie.
   */
  pending?: 'session' | 'cookie';
  /**
   * How the app knows a logged-in user: its session (default), or the token it answers a login
   * with, sent back as `Authorization: Bearer`, by an app that loads no session middleware.
   */
  user?: 'session' | 'token';
}

export interface Host {
  /** The folder under apps/ with its package.json and tsconfig.json. */
  name: string;
  title: string;
  /** Folders under apps/ whose files are laid out in the host too (shared sources). */
  shared?: string[];
  /** The tsconfig files compiled, in order; the first one emits. */
  tsconfigs: string[];
  /** Compile the README's quick starts here too. */
  readme?: boolean;
  /** Packages the host must have exactly one copy of (deduplicated with this package's). */
  single: string[];
  apps: HostApp[];
}

const oauth: Login = { kind: 'oauth', path: '/auth/agilecrm' };
const apiKey: Login = { kind: 'apikey', path: '/login/apikey' };

/** The JWT setup: `session: false`, no session middleware, pending logins in the cookie. */
const jwtApp = (entry: string): HostApp => ({
  title: 'JWT: session: false and no session middleware, pending logins in a sealed cookie',
  entry,
  logins: [oauth, apiKey],
  pending: 'cookie',
  user: 'token',
});

const nestApps: HostApp[] = [
  {
    title: 'both strategies through PassportStrategy without callbackArity',
    entry: 'dist/src/main.js',
    logins: [oauth, apiKey],
  },
  { title: 'OAuth with callbackArity: true', entry: 'dist/src/arity/main.js', logins: [oauth] },
  jwtApp('dist/src/jwt/main.js'),
];

const expressApps: HostApp[] = [
  { title: 'express-session', entry: 'dist/src/main.js', logins: [oauth, apiKey] },
  jwtApp('dist/src/token-main.js'),
];

/** The Fastify setup with CookiePendingLoginStore: request.res linked, the session plugin kept. */
const fastifyCookieApp = (entry: string): HostApp => ({
  title: 'pending logins in a sealed cookie, request.res linked to the reply',
  entry,
  logins: [oauth, apiKey],
  pending: 'cookie',
});

export const HOSTS: Host[] = [
  {
    name: 'nest11',
    title: "NestJS 11, @nestjs/passport 12, nest new's CommonJS tsconfig (no moduleResolution)",
    shared: ['nest'],
    tsconfigs: ['tsconfig.json'],
    single: ['@types/express', 'passport', '@types/passport'],
    apps: nestApps,
  },
  {
    name: 'nest12',
    title: "NestJS 12, @nestjs/passport 12, nest new's nodenext tsconfig, TypeScript 6",
    shared: ['nest'],
    tsconfigs: ['tsconfig.json'],
    single: ['@types/express', 'passport', '@types/passport'],
    apps: nestApps,
  },
  {
    name: 'express4',
    title: 'Express 4, @types/express@4, passport 0.6, CommonJS, strict',
    shared: ['express'],
    tsconfigs: ['tsconfig.json'],
    readme: true,
    single: ['@types/express', 'passport', '@types/passport'],
    apps: expressApps,
  },
  {
    name: 'express5',
    title: 'Express 5, passport 0.7, ES modules, strict, TypeScript 7',
    shared: ['express'],
    tsconfigs: ['tsconfig.json'],
    readme: true,
    single: ['@types/express', 'passport', '@types/passport'],
    apps: expressApps,
  },
  {
    name: 'fastify-session',
    title: 'Fastify 5, @fastify/passport and @fastify/session, ES modules, strict',
    shared: ['fastify'],
    tsconfigs: ['tsconfig.json'],
    single: ['@types/passport'],
    apps: [
      { title: 'login', entry: 'dist/src/session-main.js', logins: [oauth, apiKey] },
      fastifyCookieApp('dist/src/cookie-main.js'),
      {
        title: 'pending logins in a sealed cookie, no request.res',
        entry: 'dist/src/unlinked-main.js',
        logins: [{ kind: 'unlinked', path: '/auth/agilecrm' }],
        pending: 'cookie',
      },
    ],
  },
  {
    name: 'fastify-secure-session',
    title: 'Fastify 5, @fastify/passport and @fastify/secure-session, ES modules, strict',
    shared: ['fastify'],
    tsconfigs: ['tsconfig.json'],
    single: ['@types/passport'],
    apps: [
      {
        title: 'login',
        entry: 'dist/src/secure-session-main.js',
        logins: [oauth, apiKey],
        env: { SESSION_SALT: 'mq9hDxBVDbspDR6n' },
      },
      {
        ...fastifyCookieApp('dist/src/secure-cookie-main.js'),
        env: { SESSION_SALT: 'mq9hDxBVDbspDR6n' },
      },
    ],
  },
];
