/**
 * The emulator object: options checked up front, then a server started by `listen()`.
 */
import type { AddressInfo } from 'node:net';
import { normalizeDomain } from '../shared/domain';
import { checkAuthorization, decisionLocation } from './authorize';
import { avatarURL } from './avatar';
import type { EmulatorState } from './context';
import { FaultQueue } from './faults';
import { buildAccounts, DEFAULT_ACCOUNTS } from './seed';
import { createServer, type TrackedServer } from './server';
import { AuthorizationStore } from './store';
import type {
  ApproveOptions,
  Emulator,
  EmulatorAccount,
  EmulatorClient,
  EmulatorOptions,
  EmulatorStats,
  FaultKind,
  FaultRoute,
  RunningEmulator,
} from './types';

/** The client every emulator knows. */
export const DEFAULT_CLIENT: Readonly<EmulatorClient> = {
  clientID: 'demo-client',
  clientSecret: 'demo-client-secret',
  name: 'Demo application',
};

/** Checks `options` (throwing `TypeError`) and returns an emulator ready to listen. */
export function makeEmulator(options: EmulatorOptions = {}): Emulator {
  const accessTokenTTL = seconds(options.accessTokenTTL, 3600, 'accessTokenTTL');
  const codeTTL = seconds(options.codeTTL, 60, 'codeTTL');
  const keepAliveTimeout = seconds(options.keepAliveTimeout, 5, 'keepAliveTimeout');
  const accounts = buildAccounts(options.accounts ?? DEFAULT_ACCOUNTS);
  const state: EmulatorState = {
    origin: '',
    accounts: new Map(accounts.map((account) => [account.domain, account])),
    clients: buildClients(options.clients ?? []),
    store: new AuthorizationStore(accessTokenTTL * 1000, codeTTL * 1000),
    faults: new FaultQueue(),
    stats: { authorize: 0, token: 0, refresh: 0, revoke: 0, currentUser: 0, contacts: 0 },
    accessTokenTTL,
  };
  const tls =
    options.tls === undefined ? undefined : { key: options.tls.key, cert: options.tls.cert };
  let started = false;
  return {
    async listen(port = 0, host = '127.0.0.1'): Promise<RunningEmulator> {
      if (started) throw new Error('This emulator was already started; create another one.');
      started = true;
      const tracked = createServer(state, tls);
      tracked.server.keepAliveTimeout = keepAliveTimeout * 1000;
      await new Promise<void>((resolve, reject) => {
        tracked.server.once('error', reject);
        tracked.server.listen(port, host, () => {
          tracked.server.off('error', reject);
          resolve();
        });
      });
      const address = tracked.server.address() as AddressInfo;
      state.origin = `${tls ? 'https' : 'http'}://${urlHost(host)}:${address.port}`;
      return new Running(state, tracked);
    },
  };
}

class Running implements RunningEmulator {
  readonly url: string;
  readonly baseURL: string;
  readonly revokeURL: string;
  readonly clientID = DEFAULT_CLIENT.clientID;
  readonly clientSecret = DEFAULT_CLIENT.clientSecret;
  readonly #state: EmulatorState;
  readonly #tracked: TrackedServer;
  #closing: Promise<void> | undefined;

  constructor(state: EmulatorState, tracked: TrackedServer) {
    this.#state = state;
    this.#tracked = tracked;
    this.url = state.origin;
    this.baseURL = `${state.origin}/{domain}`;
    this.revokeURL = `${state.origin}/{domain}/oauth/revoke`;
  }

  get accounts(): EmulatorAccount[] {
    return [...this.#state.accounts.values()].map((account) => ({
      domain: account.domain,
      users: account.users.map((user) => ({
        ...user,
        pic: user.pic || avatarURL(this.url, account.domain, user.id),
      })),
      contacts: account.contacts.map((contact) => ({
        ...contact,
        tags: [...contact.tags],
        properties: contact.properties.map((property) => ({ ...property })),
      })),
    }));
  }

  get stats(): EmulatorStats {
    return { ...this.#state.stats };
  }

  approve(authorizationURL: string, options: ApproveOptions = {}): string {
    const url = new URL(authorizationURL);
    const own = new URL(this.url);
    if (url.protocol !== own.protocol || url.port !== own.port) {
      throw new Error(`approve() needs an authorization URL of this emulator (${this.url})`);
    }
    const match = /^\/([^/]+)\/oauth\/authorize\/?$/.exec(url.pathname);
    const domain = normalizeDomain(match?.[1]);
    const account = domain === undefined ? undefined : this.#state.accounts.get(domain);
    if (account === undefined)
      throw new Error('approve() needs a /{domain}/oauth/authorize URL of a known account');
    this.#state.stats.authorize += 1;
    const checked = checkAuthorization(url.searchParams, account, this.#state.clients);
    if (!checked.ok) throw new Error(`approve(): invalid authorization request: ${checked.reason}`);
    return decisionLocation(checked.request, options.deny !== true, this.#state.store);
  }

  expireAccessTokens(): void {
    this.#state.store.expireAccessTokens();
  }

  fault(route: FaultRoute, kind: FaultKind, times?: number): void {
    this.#state.faults.add(route, kind, times);
  }

  clearFaults(): void {
    this.#state.faults.clear();
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#tracked.server.close(() => resolve());
      // Kept-alive, hanging and half-written connections would otherwise hold close() open.
      for (const socket of this.#tracked.sockets) socket.destroy();
    });
    return this.#closing;
  }
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`createEmulator ${name} option must be a positive number of seconds`);
  }
  return value;
}

function buildClients(extra: readonly EmulatorClient[]): Map<string, EmulatorClient> {
  const clients = new Map<string, EmulatorClient>([
    [DEFAULT_CLIENT.clientID, { ...DEFAULT_CLIENT }],
  ]);
  for (const client of extra) {
    if (typeof client.clientID !== 'string' || client.clientID === '') {
      throw new TypeError('createEmulator clients need a clientID');
    }
    if (typeof client.clientSecret !== 'string' || client.clientSecret === '') {
      throw new TypeError(`createEmulator client "${client.clientID}" needs a clientSecret`);
    }
    for (const uri of client.redirectURIs ?? []) checkRegisteredURI(uri, client.clientID);
    clients.set(client.clientID, {
      ...client,
      ...(client.redirectURIs ? { redirectURIs: [...client.redirectURIs] } : {}),
    });
  }
  return clients;
}

function checkRegisteredURI(uri: string, clientID: string): void {
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    uri.includes('#')
  ) {
    throw new TypeError(
      `createEmulator client "${clientID}" has a redirect URI that is not an absolute http(s) URL without fragment`,
    );
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
