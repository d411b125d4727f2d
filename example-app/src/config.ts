/**
 * Settings from the environment: parsed and checked in one place, with one message that names
 * everything missing or wrong. Pure (no I/O), so it is unit-tested directly.
 */
import { resolve } from 'node:path';
import { normalizeDomain } from 'passport-agilecrm';

/** Settings shared by both modes. */
export interface CommonSettings {
  port: number;
  host: string;
  /** The app's public origin (BASE_URL), used for the OAuth callback URL. */
  publicURL: string | undefined;
  sessionSecret: string | undefined;
  /** SQLite file of the default session store. */
  sessionDB: string;
  redisURL: string | undefined;
  /** Express `trust proxy` value, or `false`. */
  trustProxy: number | string | false;
  /** Login attempts allowed per client IP per minute. */
  loginRateLimit: number;
  logRequests: boolean;
}

/** No Agile CRM settings: run against the bundled emulator. */
export interface DemoSettings extends CommonSettings {
  mode: 'demo';
  /** Access-token lifetime in the emulator, in seconds (short, so refresh can be seen). */
  tokenTTL: number;
}

/** Run against a real Agile CRM account (or any server that behaves like one). */
export interface AgileCRMSettings extends CommonSettings {
  mode: 'agilecrm';
  domain: string;
  clientID: string;
  clientSecret: string;
  /** Origin template with `{domain}`; default Agile CRM's own. */
  agilecrmBaseURL: string | undefined;
  revokeURL: string | undefined;
}

/** Everything `main.ts` needs to start. */
export type Settings = DemoSettings | AgileCRMSettings;

/** Bad or partial settings; `problems` lists each one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(`The example app cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The three settings that switch from demo mode to a real Agile CRM account. */
export const REAL_MODE_VARIABLES = [
  'AGILECRM_DOMAIN',
  'AGILECRM_CLIENT_ID',
  'AGILECRM_CLIENT_SECRET',
] as const;

/** Default SQLite file of the session store, relative to the current directory. */
export const DEFAULT_SESSION_DB = 'example-app/data/sessions.db';

type Env = Record<string, string | undefined>;

/** Reads and checks the settings; throws {@link ConfigError} naming every problem. */
export function readSettings(env: Env, cwd = process.cwd()): Settings {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const common: CommonSettings = {
    port: integer(get('PORT'), 'PORT', 0, 65535, 3000, problems),
    host: get('HOST') ?? '127.0.0.1',
    publicURL: publicURL(get('BASE_URL'), problems),
    sessionSecret: sessionSecret(get('SESSION_SECRET'), problems),
    sessionDB: resolve(cwd, get('SESSION_DB') ?? DEFAULT_SESSION_DB),
    redisURL: redisURL(get('REDIS_URL'), problems),
    trustProxy: trustProxy(get('TRUST_PROXY')),
    loginRateLimit: integer(get('LOGIN_RATE_LIMIT'), 'LOGIN_RATE_LIMIT', 1, 1e6, 20, problems),
    logRequests: flag(get('LOG_REQUESTS')),
  };
  if (common.redisURL !== undefined && common.sessionSecret === undefined) {
    problems.push(
      'REDIS_URL is set, so SESSION_SECRET is required: every app instance must share it',
    );
  }
  const present = REAL_MODE_VARIABLES.filter((name) => get(name) !== undefined);
  const extras = ['AGILECRM_BASE_URL', 'AGILECRM_REVOKE_URL'].filter((n) => get(n) !== undefined);
  let settings: Settings;
  if (present.length === 0 && extras.length === 0) {
    const tokenTTL = integer(get('DEMO_TOKEN_TTL'), 'DEMO_TOKEN_TTL', 1, 86400, 60, problems);
    settings = { ...common, mode: 'demo', tokenTTL };
  } else {
    const missing = REAL_MODE_VARIABLES.filter((name) => get(name) === undefined);
    if (missing.length > 0) {
      problems.push(
        `Missing ${missing.join(', ')}: to use a real Agile CRM account set all of ` +
          `${REAL_MODE_VARIABLES.join(', ')}; to run the demo, set none of them` +
          (extras.length > 0 ? ` (nor ${extras.join(', ')})` : ''),
      );
    }
    const rawDomain = get('AGILECRM_DOMAIN');
    const domain = rawDomain === undefined ? undefined : normalizeDomain(rawDomain);
    if (rawDomain !== undefined && domain === undefined) {
      problems.push('AGILECRM_DOMAIN must be your account name: the "acme" in acme.agilecrm.com');
    }
    settings = {
      ...common,
      mode: 'agilecrm',
      domain: domain ?? '',
      clientID: get('AGILECRM_CLIENT_ID') ?? '',
      clientSecret: get('AGILECRM_CLIENT_SECRET') ?? '',
      agilecrmBaseURL: httpURL(get('AGILECRM_BASE_URL'), 'AGILECRM_BASE_URL', problems),
      revokeURL: httpURL(get('AGILECRM_REVOKE_URL'), 'AGILECRM_REVOKE_URL', problems),
    };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

/**
 * Settings that start but leave the app less safe than it looks, each as one line naming the
 * setting to change. `main.ts` prints them before serving.
 */
export function settingWarnings(settings: Settings): string[] {
  const warnings: string[] = [];
  if (settings.publicURL?.startsWith('https:') && settings.trustProxy === false) {
    // The app itself serves plain HTTP: an https:// BASE_URL means a proxy terminates TLS.
    warnings.push(
      'Warning: BASE_URL is https:// but TRUST_PROXY is not set, so the app takes every request ' +
        'for plain HTTP from the proxy: session cookies are never marked Secure, and all users ' +
        "share the proxy's login rate limit. Set TRUST_PROXY to the number of proxies in front " +
        'of the app (usually TRUST_PROXY=1).',
    );
  }
  return warnings;
}

function integer(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
  problems: string[],
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    return fallback;
  }
  return n;
}

function publicURL(value: string | undefined, problems: string[]): string | undefined {
  const url = httpURL(value, 'BASE_URL', problems);
  if (url === undefined) return undefined;
  const parsed = new URL(url);
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '') {
    problems.push('BASE_URL must be the app origin and path only, like https://app.example.com');
    return undefined;
  }
  return url.replace(/\/+$/, '');
}

function httpURL(value: string | undefined, name: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  // A `{domain}` placeholder stands for the account name; check the rest of the URL.
  const probe = value.replaceAll('{domain}', 'example');
  let ok = false;
  try {
    const protocol = new URL(probe).protocol;
    ok = protocol === 'http:' || protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) {
    problems.push(`${name} must be an absolute http(s) URL`);
    return undefined;
  }
  return value;
}

function sessionSecret(value: string | undefined, problems: string[]): string | undefined {
  if (value !== undefined && value.length < 32) {
    // The value itself is a secret: never quote it.
    problems.push(
      'SESSION_SECRET must be at least 32 characters (for example the output of ' +
        `node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")`,
    );
    return undefined;
  }
  return value;
}

function redisURL(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (!/^rediss?:\/\//.test(value)) {
    problems.push('REDIS_URL must start with redis:// or rediss://');
    return undefined;
  }
  return value;
}

function trustProxy(value: string | undefined): number | string | false {
  if (value === undefined || /^(false|0|no|off)$/i.test(value)) return false;
  if (/^(true|yes|on)$/i.test(value)) return 1;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function flag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value);
}
