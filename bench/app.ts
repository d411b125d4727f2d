/**
 * Entry point of one variant app, run in its own process so its CPU time and heap are its own.
 * Serves HTTP on 127.0.0.1 and answers the runner's IPC commands (CPU and heap readings).
 */
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { createAppServer, HOSTINGS } from './hosting';
import { ENV_HOSTING, ENV_SETTINGS, ENV_VARIANT, type Command, type Reply } from './protocol';
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

const variant = process.env[ENV_VARIANT];
const settings = JSON.parse(process.env[ENV_SETTINGS] ?? '{}') as ProviderSettings;

if (variant !== 'ours' && variant !== 'baseline' && variant !== 'limit') {
  throw new Error(`unknown variant "${String(variant)}"`);
}
const hosting = HOSTINGS.find((name) => name === process.env[ENV_HOSTING]);
if (hosting === undefined) throw new Error(`unknown hosting "${String(process.env[ENV_HOSTING])}"`);
const { app, providerAgent } = createVariantApp(variant, settings);

function reply(message: Reply): void {
  process.send?.(message);
}

function collectGarbage(): void {
  if (typeof global.gc !== 'function') throw new Error('run the app with --expose-gc');
  // Twice: the first pass can leave objects that only the second one frees (weak callbacks).
  global.gc();
  global.gc();
}

const server = createAppServer(app, hosting).listen(0, '127.0.0.1', () => {
  reply({ type: 'ready', port: (server.address() as AddressInfo).port });
});
// The driver's connections idle while other variants run; keep them open between rounds.
server.keepAliveTimeout = 120_000;

process.on('message', (command: Command) => {
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
});
process.on('disconnect', () => process.exit(0));
