/**
 * Entry point of one variant app, run in its own process so its CPU time and heap are its own.
 * Serves HTTP on 127.0.0.1 and answers the runner's IPC commands (CPU and heap readings).
 */
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { VariantName } from './config';
import { createAppServer, HOSTINGS, type Hosting } from './hosting';
import {
  ENV_HOSTING,
  ENV_SETTINGS,
  ENV_STORES,
  ENV_VARIANT,
  type Command,
  type Reply,
} from './protocol';
import { openSessionStore, type AppStores } from './session-store';
import { createVariantApp } from './variant-app';
import type { ProviderSettings } from './variants/settings';

// Every connection to the provider, whatever agent a variant uses, is a TLS client socket made by
// tls.connect (https.Agent looks it up on the module at call time), so counting calls here counts
// the app's provider connections. The app makes no other outgoing connections.
let connections = 0;
const connect = tls.connect;
tls.connect = function countedConnect(this: unknown, ...args: unknown[]) {
  connections++;
  return Reflect.apply(connect, this, args) as tls.TLSSocket;
} as typeof tls.connect;

const variant = variantNamed(process.env[ENV_VARIANT]);
const settings = JSON.parse(process.env[ENV_SETTINGS] ?? '{}') as ProviderSettings;
const stores = JSON.parse(process.env[ENV_STORES] ?? '{}') as AppStores;
const hosting = hostingNamed(process.env[ENV_HOSTING]);

function variantNamed(name: string | undefined): VariantName {
  if (name === 'ours' || name === 'baseline' || name === 'limit') return name;
  throw new Error(`unknown variant "${String(name)}"`);
}

function hostingNamed(name: string | undefined): Hosting {
  const found = HOSTINGS.find((known) => known === name);
  if (found === undefined) throw new Error(`unknown hosting "${String(name)}"`);
  return found;
}

function reply(message: Reply): void {
  process.send?.(message);
}

function collectGarbage(): void {
  if (typeof global.gc !== 'function') throw new Error('run the app with --expose-gc');
  // Twice: the first pass can leave objects that only the second one frees (weak callbacks).
  global.gc();
  global.gc();
}

async function start(): Promise<void> {
  const sessions = await openSessionStore(stores);
  const { app, providerAgent } = createVariantApp(variant, settings, {
    sessionStore: sessions.store,
    pendingLogins: stores.pendingLogins,
  });
  const server = createAppServer(app, hosting).listen(0, '127.0.0.1', () => {
    reply({ type: 'ready', port: (server.address() as AddressInfo).port });
  });
  // The driver's connections idle while other variants run; keep them open between rounds.
  server.keepAliveTimeout = 120_000;
  process.on('message', (command: Command) => answer(command, providerAgent));
  process.on('disconnect', () => {
    sessions.close().finally(() => process.exit(0));
  });
}

function answer(command: Command, providerAgent: { destroy(): void }): void {
  if (command.type === 'sample') {
    const cpu = process.cpuUsage();
    reply({
      id: command.id,
      type: 'sample',
      cpuMicros: cpu.user + cpu.system,
      heapUsed: process.memoryUsage().heapUsed,
      connections,
    });
  } else if (command.type === 'reset-connections') {
    // Each round starts from an empty pool: sockets idle since the last round may be closed by
    // the provider's keep-alive timeout at any moment, which would count as new connections.
    providerAgent.destroy();
    reply({ id: command.id, type: 'reset-connections' });
  } else {
    collectGarbage();
    reply({ id: command.id, type: 'gc', heapUsed: process.memoryUsage().heapUsed });
  }
}

start().catch((err: unknown) => {
  process.stderr.write(`bench app ${variant} failed to start: ${String(err)}\n`);
  process.exit(1);
});
