/**
 * Agile CRM's URLs: defaults, validation of overrides, and the templates' `{domain}` placeholder
 * expanded per account.
 */
import { requireDomain } from './domain';

/** Placeholder replaced by the account name in URL templates such as `baseURL`. */
const DOMAIN_PLACEHOLDER = '{domain}';
/** Origin of an Agile CRM account; `{domain}` is the account name. */
const DEFAULT_BASE_URL = 'https://{domain}.agilecrm.com';
const AUTHORIZE_PATH = '/oauth/authorize';
const TOKEN_PATH = '/oauth/token';
/** Path of the current-user endpoint under an account's origin. */
export const CURRENT_USER_PATH = '/dev/api/users/current-user';

/** URL overrides, each of which may contain `{domain}`. */
export interface EndpointOptions {
  domain?: string | undefined;
  baseURL?: string | undefined;
  authorizationURL?: string | undefined;
  tokenURL?: string | undefined;
  profileURL?: string | undefined;
  revokeURL?: string | undefined;
}

/** Endpoints of one account. */
interface Endpoints {
  authorizationURL: string;
  tokenURL: string;
  profileURL: string;
  revokeURL: string | undefined;
}

/**
 * Validated URL templates plus the fixed account, if any. Expansion of a fixed account is done
 * once; other accounts are expanded per login.
 */
export class EndpointTemplates {
  /** The account every request goes to, or `undefined` when chosen per request. */
  readonly fixedDomain: string | undefined;
  readonly #templates: Endpoints;
  readonly #fixed: Endpoints | undefined;

  constructor(options: EndpointOptions, owner: string) {
    this.fixedDomain =
      options.domain === undefined
        ? undefined
        : requireDomain(options.domain, `${owner} domain option`);
    const base = checkBaseURL(options.baseURL, owner);
    this.#templates = {
      authorizationURL: checkTemplate(
        options.authorizationURL ?? base + AUTHORIZE_PATH,
        `${owner} authorizationURL`,
      ),
      tokenURL: checkTemplate(options.tokenURL ?? base + TOKEN_PATH, `${owner} tokenURL`),
      profileURL: checkTemplate(
        options.profileURL ?? base + CURRENT_USER_PATH,
        `${owner} profileURL`,
      ),
      revokeURL:
        options.revokeURL === undefined
          ? undefined
          : checkTemplate(options.revokeURL, `${owner} revokeURL`),
    };
    this.#fixed =
      this.fixedDomain === undefined ? undefined : expandAll(this.#templates, this.fixedDomain);
  }

  /** The templates as given (with `{domain}` unexpanded). */
  get templates(): Endpoints {
    return this.#templates;
  }

  /** Endpoints of `domain`, which must already be a validated account name. */
  for(domain: string): Endpoints {
    if (this.#fixed !== undefined && domain === this.fixedDomain) return this.#fixed;
    return expandAll(this.#templates, domain);
  }
}

/**
 * The origin of `domain` (no trailing slash) from a `baseURL` option; throws a `TypeError` naming
 * `owner` when the option is not an http(s) URL template.
 */
export function accountBaseURL(baseURL: unknown, domain: string, owner: string): string {
  return expandDomain(checkBaseURL(baseURL, owner), domain);
}

function expandAll(templates: Endpoints, domain: string): Endpoints {
  return {
    authorizationURL: expandDomain(templates.authorizationURL, domain),
    tokenURL: expandDomain(templates.tokenURL, domain),
    profileURL: expandDomain(templates.profileURL, domain),
    revokeURL:
      templates.revokeURL === undefined ? undefined : expandDomain(templates.revokeURL, domain),
  };
}

/**
 * Checks an origin template (default {@link DEFAULT_BASE_URL}) and returns it without a
 * trailing slash; throws a `TypeError` naming `owner` when it is not an http(s) URL.
 */
function checkBaseURL(baseURL: unknown, owner: string): string {
  return trimSlash(checkTemplate(baseURL ?? DEFAULT_BASE_URL, `${owner} baseURL`));
}

function checkTemplate(template: unknown, what: string): string {
  if (typeof template !== 'string' || template === '') {
    throw new TypeError(`${what} must be a URL string`);
  }
  // A sample label stands in for {domain} so the template itself can be checked now.
  const sample = hasDomainPlaceholder(template) ? expandDomain(template, 'example') : template;
  let url: URL;
  try {
    url = new URL(sample);
  } catch {
    throw new TypeError(`${what} must be an absolute http(s) URL, got "${template}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`${what} must be an http or https URL, got "${template}"`);
  }
  // RFC 6749 section 3.1: endpoint URLs have no fragment. Query parameters are appended to them.
  if (template.includes('#')) {
    throw new TypeError(`${what} must not contain a fragment (#), got "${template}"`);
  }
  return template;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

function hasDomainPlaceholder(template: string): boolean {
  return template.includes(DOMAIN_PLACEHOLDER);
}

/** Substitutes an already validated account name into a URL template. */
function expandDomain(template: string, domain: string): string {
  return template.split(DOMAIN_PLACEHOLDER).join(domain);
}
