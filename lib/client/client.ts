/**
 * A small typed client for Agile CRM's REST API (`/dev/api/...`), authenticated with an OAuth
 * access token (Bearer) or with the login email and REST API key (HTTP Basic).
 */
import type { Agent } from 'node:http';
import { basicAuthorization, isUsableApiKey, isUsableEmail } from '../api-key/credentials';
import { AgileCRMResponseError } from '../http/errors';
import { isRecord } from '../http/json';
import { apiError, isSuccess, readJSON } from '../http/response';
import { authorizationSecrets } from '../http/safe-text';
import {
  checkRequestSettings,
  send,
  type HttpResponse,
  type RequestSettings,
} from '../http/transport';
import { isUsableToken } from '../oauth/token-endpoint';
import { requireDomain } from '../shared/domain';
import { accountBaseURL, CURRENT_USER_PATH } from '../shared/endpoints';
import { parseUser, type AgileCRMUser } from '../shared/profile';
import { isSafeApiPath } from './api-path';
import { parseContactPage, type AgileCRMContact, type AgileCRMContactPage } from './contacts';

/** Credentials of an OAuth login: the account and its access token. */
export interface AgileCRMTokenCredentials {
  domain: string;
  accessToken: string;
}

/** Agile CRM's documented credentials: the account, the login email and the REST API key. */
export interface AgileCRMApiKeyCredentials {
  domain: string;
  email: string;
  apiKey: string;
}

/** Either kind of credentials. */
export type AgileCRMCredentials = AgileCRMTokenCredentials | AgileCRMApiKeyCredentials;

/** Options of {@link AgileCRMClient}. */
export interface AgileCRMClientOptions {
  /** Origin template; `{domain}` is substituted. Default `https://{domain}.agilecrm.com`. */
  baseURL?: string | undefined;
  /** Bound on each request in milliseconds. Default 10000. */
  timeout?: number | undefined;
  /** HTTP agent (proxy, private CA). Default: a keep-alive agent. */
  agent?: Agent | undefined;
  /**
   * Access-token clients only: called when Agile CRM answers 401. Resolve to a new access token
   * (for example from `strategy.refresh()`) and the request is sent once more with it; resolve
   * to `undefined` to give up with the 401 error. Concurrent 401s share one call.
   */
  onUnauthorized?: (() => Promise<string | undefined>) | undefined;
}

/** HTTP methods {@link AgileCRMClient.request} sends. */
export type AgileCRMMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** Query and body of {@link AgileCRMClient.request}. */
export interface AgileCRMRequestOptions {
  /** Appended to the URL; `undefined` values are left out. */
  query?: Record<string, string | number | boolean | undefined> | undefined;
  /** Sent as JSON, or as a form when it is a `URLSearchParams`. */
  body?: unknown;
}

const METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const DEFAULT_PAGE_SIZE = 20;
const CONTACTS_PATH = '/dev/api/contacts';

/**
 * Calls Agile CRM's REST API for one account. Always asks for JSON, keeps 64-bit ids exact,
 * and turns every failure into a typed error that never quotes a credential.
 *
 * @example
 * const client = new AgileCRMClient({ domain: 'acme', email, apiKey });
 * for await (const contact of client.contacts({ pageSize: 50 })) console.log(contactEmail(contact));
 */
export class AgileCRMClient {
  /** The account this client calls, lowercased. */
  readonly domain: string;
  // #private keeps credentials out of JSON.stringify, util.inspect and console.log.
  readonly #base: URL;
  readonly #requestSettings: RequestSettings;
  readonly #onUnauthorized: (() => Promise<string | undefined>) | undefined;
  #accessToken: string | undefined;
  /** The full `Authorization` header value in use. */
  #authorization: string;
  #refreshing: Promise<string | undefined> | undefined;

  constructor(credentials: AgileCRMCredentials, options: AgileCRMClientOptions = {}) {
    if (!isRecord(credentials)) throw new TypeError('AgileCRMClient requires credentials');
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('AgileCRMClient options must be an object');
    }
    this.domain = requireDomain(credentials['domain'], 'AgileCRMClient domain');
    const base = accountBaseURL(options.baseURL, this.domain, 'AgileCRMClient');
    this.#base = new URL(`${base}/`);
    this.#requestSettings = checkRequestSettings(options, 'AgileCRMClient');
    const { accessToken, email, apiKey } = credentials;
    if (accessToken !== undefined) {
      if (email !== undefined || apiKey !== undefined) {
        throw new TypeError(
          'AgileCRMClient takes either { accessToken } or { email, apiKey }, not both',
        );
      }
      this.#accessToken = checkToken(accessToken);
      this.#authorization = `Bearer ${this.#accessToken}`;
    } else {
      if (typeof email !== 'string' || !isUsableEmail(email)) {
        throw new TypeError('AgileCRMClient requires an accessToken, or an email and apiKey');
      }
      if (typeof apiKey !== 'string' || !isUsableApiKey(apiKey)) {
        throw new TypeError('AgileCRMClient apiKey must be a non-empty string without controls');
      }
      this.#authorization = basicAuthorization(email, apiKey);
      if (options.onUnauthorized !== undefined) {
        throw new TypeError(
          'AgileCRMClient onUnauthorized applies to access-token clients; an API key cannot be refreshed',
        );
      }
    }
    if (options.onUnauthorized !== undefined && typeof options.onUnauthorized !== 'function') {
      throw new TypeError('AgileCRMClient onUnauthorized must be a function');
    }
    this.#onUnauthorized = options.onUnauthorized;
  }

  /**
   * The access token currently in use (after a refresh through `onUnauthorized`, the new one),
   * so the application can store it. `undefined` for API-key clients.
   */
  get accessToken(): string | undefined {
    return this.#accessToken;
  }

  /** The user the credentials belong to (`GET /dev/api/users/current-user`). */
  async currentUser(): Promise<AgileCRMUser> {
    const json = await this.request('GET', CURRENT_USER_PATH);
    const user = parseUser(json);
    if (!user) {
      throw new AgileCRMResponseError(
        'Agile CRM current-user request returned JSON without a user id',
        200,
      );
    }
    return user;
  }

  /**
   * One page of contacts (`GET /dev/api/contacts`). Pass the returned `cursor` to get the next
   * page; no `cursor` means this was the last one. An account without contacts is an empty page.
   */
  async listContacts(
    options: { pageSize?: number; cursor?: string | undefined } = {},
  ): Promise<AgileCRMContactPage> {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
      throw new TypeError('listContacts() pageSize must be a positive integer');
    }
    if (options.cursor !== undefined && (typeof options.cursor !== 'string' || !options.cursor)) {
      throw new TypeError('listContacts() cursor must be a non-empty string');
    }
    const json = await this.request('GET', CONTACTS_PATH, {
      query: { page_size: pageSize, cursor: options.cursor },
    });
    return parseContactPage(json, 200);
  }

  /**
   * Every contact of the account, fetched page by page as the loop asks for more.
   *
   * @example
   * for await (const contact of client.contacts({ pageSize: 50 })) count++;
   */
  async *contacts(options: { pageSize?: number } = {}): AsyncGenerator<AgileCRMContact, void> {
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.listContacts({ ...options, cursor });
      yield* page.contacts;
      cursor = page.cursor;
      // A cursor that comes back twice would page forever.
      if (cursor !== undefined && seen.has(cursor)) {
        throw new AgileCRMResponseError('Agile CRM contacts request repeated a page cursor', 200);
      }
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor !== undefined);
  }

  /**
   * Calls any REST API path of the account and returns the parsed JSON (`undefined` for an empty
   * body such as HTTP 204). `path` must start with `/dev/`, so credentials only go to the API.
   *
   * @example
   * const deals = await client.request('GET', '/dev/api/opportunity', { query: { page_size: 10 } });
   */
  async request(
    method: AgileCRMMethod,
    path: string,
    options: AgileCRMRequestOptions = {},
  ): Promise<unknown> {
    if (!METHODS.includes(method)) {
      throw new TypeError(`request() method must be one of ${METHODS.join(', ')}`);
    }
    const url = this.#url(path, options.query);
    const label = `API request (${method} ${url.pathname})`;
    const { body, contentType } = encodeBody(options.body);
    const used = this.#authorization;
    let sentWith = used;
    let response = await this.#send(method, url, label, used, body, contentType);
    if (response.status === 401 && this.#onUnauthorized !== undefined) {
      const retryWith = await this.#reauthorize(used);
      if (retryWith !== undefined) {
        sentWith = retryWith;
        response = await this.#send(method, url, label, retryWith, body, contentType);
      }
    }
    if (!isSuccess(response.status)) {
      throw apiError(response, label, authorizationSecrets(sentWith));
    }
    if (response.status === 204 || response.body.trim() === '') return undefined;
    return readJSON(response, label);
  }

  #url(path: string, query: AgileCRMRequestOptions['query']): URL {
    if (typeof path !== 'string' || !isSafeApiPath(path)) {
      throw new TypeError(
        'request() path must be an API path starting with /dev/ (no "." or ".." segment, backslash, ";", encoded "/", query string or fragment, even after percent-decoding; pass query separately)',
      );
    }
    const url = new URL(`.${path}`, this.#base);
    // Belt and braces: the resolved URL must still be under the account's /dev/.
    if (
      url.origin !== this.#base.origin ||
      !url.pathname.startsWith(`${this.#base.pathname}dev/`)
    ) {
      throw new TypeError("request() path must stay under the account's /dev/ API");
    }
    if (query !== undefined) {
      if (!isRecord(query)) throw new TypeError('request() query must be an object');
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined) url.searchParams.append(name, String(value));
      }
    }
    return url;
  }

  #send(
    method: string,
    url: URL,
    label: string,
    authorization: string,
    body: string | undefined,
    contentType: string | undefined,
  ): Promise<HttpResponse> {
    // Without this Accept header Agile CRM answers XML.
    const headers: Record<string, string> = { accept: 'application/json', authorization };
    if (contentType !== undefined) headers['content-type'] = contentType;
    return send({
      method,
      url: url.href,
      headers,
      label,
      ...(body === undefined ? {} : { body }),
      ...this.#requestSettings,
    });
  }

  /**
   * The `Authorization` value to retry with after a 401 answered to `used`, or `undefined` to
   * give up. If another request already refreshed the token, its token is reused; concurrent
   * 401s share one call of the hook.
   */
  async #reauthorize(used: string): Promise<string | undefined> {
    if (this.#authorization !== used) return this.#authorization;
    const hook = this.#onUnauthorized;
    if (hook === undefined) return undefined;
    this.#refreshing ??= Promise.resolve()
      .then(hook)
      .finally(() => {
        this.#refreshing = undefined;
      });
    const fresh = await this.#refreshing;
    if (fresh === undefined) return undefined;
    if (this.#authorization === used) {
      this.#accessToken = checkToken(fresh);
      this.#authorization = `Bearer ${this.#accessToken}`;
    }
    return this.#authorization;
  }
}

function encodeBody(body: unknown): { body?: string; contentType?: string } {
  if (body === undefined) return {};
  if (body instanceof URLSearchParams) {
    return { body: body.toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

function checkToken(token: unknown): string {
  if (typeof token !== 'string' || !isUsableToken(token)) {
    throw new TypeError('AgileCRMClient accessToken must be a non-empty string of visible ASCII');
  }
  return token;
}
