/**
 * Starts the example app in demo mode exactly as `npm start` does (main.ts, no Agile CRM
 * settings), on a free port with its own session database, and stops it afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running demo. */
export interface DemoServer {
  /** The URL from the "Open ..." line. */
  url: string;
  /** Everything the app printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `tsx example-app/src/main.ts` with `env` added; resolves once it prints its URL. */
export function startDemo(env: Record<string, string> = {}): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'agilecrm-e2e-'));
  // node --import tsx rather than npx: one process, so stopping it stops everything.
  const child = spawn(process.execPath, ['--import', 'tsx', 'example-app/src/main.ts'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: '0',
      SESSION_DB: join(dir, 'sessions.db'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`The demo did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = (): void => {
      const url = /Open (http:\/\/\S+)/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({ url, output: () => output, stop });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited with code ${code}:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
