/**
 * Messages between the runner and a variant app process (Node IPC).
 */

/** Runner to app. */
export type Command =
  | { id: number; type: 'sample' }
  | { id: number; type: 'gc' }
  | { id: number; type: 'reset-connections' };

/** App to runner. */
export type Reply =
  | { type: 'ready'; port: number }
  | { id: number; type: 'sample'; cpuMicros: number; heapUsed: number; connections: number }
  | { id: number; type: 'gc'; heapUsed: number }
  | { id: number; type: 'reset-connections' };

/** Environment variables carrying the app's configuration. */
export const ENV_VARIANT = 'BENCH_APP_VARIANT';
export const ENV_SETTINGS = 'BENCH_APP_SETTINGS';
export const ENV_HOSTING = 'BENCH_APP_HOSTING';
export const ENV_STORES = 'BENCH_APP_STORES';
