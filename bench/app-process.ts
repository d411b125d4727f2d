/**
 * The runner's handle on one variant app process: start it, read its CPU and heap, stop it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { VariantName } from './config';
import type { Hosting } from './hosting';
import {
  ENV_HOSTING,
  ENV_SETTINGS,
  ENV_STORES,
  ENV_VARIANT,
  type Command,
  type Reply,
} from './protocol';
import type { AppStores } from './session-store';
import type { ProviderSettings } from './variants/settings';

/** Counters read from the app process. */
export interface AppSample {
  /** CPU time of the process so far (user + system), in microseconds. */
  cpuMicros: number;
  heapUsed: number;
  /** TLS connections the app has opened to the provider so far. */
  connections: number;
}

/** A running variant app. */
export class AppProcess {
  readonly origin: string;
  private _child: ChildProcess;
  private _nextID = 1;
  private _waiting = new Map<number, (reply: Reply) => void>();

  private constructor(child: ChildProcess, port: number) {
    this._child = child;
    this.origin = `http://127.0.0.1:${port}`;
    child.on('message', (reply: Reply) => {
      if (!('id' in reply)) return;
      const resolve = this._waiting.get(reply.id);
      this._waiting.delete(reply.id);
      resolve?.(reply);
    });
  }

  /** Forks `app.ts` for `variant` (through tsx, with `--expose-gc`) and waits until it listens. */
  static start(
    variant: VariantName,
    settings: ProviderSettings,
    hosting: Hosting,
    stores: AppStores = {},
  ): Promise<AppProcess> {
    const child = fork(path.join(__dirname, 'app.ts'), [], {
      execArgv: ['--import', 'tsx', '--expose-gc', ...profileFlags(variant)],
      env: {
        ...process.env,
        [ENV_VARIANT]: variant,
        [ENV_SETTINGS]: JSON.stringify(settings),
        [ENV_HOSTING]: hosting,
        [ENV_STORES]: JSON.stringify(stores),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`the ${variant} app exited (code ${code}) before listening`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.once('message', (reply: Reply) => {
        child.off('exit', onExit);
        if (reply.type === 'ready') resolve(new AppProcess(child, reply.port));
        else reject(new Error(`the ${variant} app sent ${reply.type} before ready`));
      });
    });
  }

  /** Reads the app's counters. */
  async sample(): Promise<AppSample> {
    const reply = await this._request('sample');
    if (reply.type !== 'sample') throw new Error(`unexpected reply ${reply.type}`);
    return { cpuMicros: reply.cpuMicros, heapUsed: reply.heapUsed, connections: reply.connections };
  }

  /** Heap used after a full garbage collection, in bytes. */
  async heapAfterGC(): Promise<number> {
    const reply = await this._request('gc');
    if (reply.type !== 'gc') throw new Error(`unexpected reply ${reply.type}`);
    return reply.heapUsed;
  }

  /** Closes every connection the app holds to the provider. */
  async resetConnections(): Promise<void> {
    await this._request('reset-connections');
  }

  /** Ends the process and waits for it to exit. */
  stop(): Promise<void> {
    if (this._child.exitCode !== null || this._child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this._child.once('exit', () => resolve());
      this._child.disconnect();
    });
  }

  private _request(type: Command['type']): Promise<Reply> {
    const id = this._nextID++;
    return new Promise((resolve, reject) => {
      this._waiting.set(id, resolve);
      this._child.send({ id, type } satisfies Command, (err) => {
        if (err) {
          this._waiting.delete(id);
          reject(err);
        }
      });
    });
  }
}

/** With BENCH_CPU_PROF=1 each app writes V8 CPU profiles to bench/results/profiles/<variant>/. */
function profileFlags(variant: VariantName): string[] {
  if (process.env['BENCH_CPU_PROF'] !== '1') return [];
  // One directory per variant: the loader's worker thread writes a profile of its own there too.
  return ['--cpu-prof', `--cpu-prof-dir=${path.join(__dirname, 'results', 'profiles', variant)}`];
}
