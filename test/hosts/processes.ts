/**
 * Child processes of the hosts suite, each bounded in time: commands that run to completion
 * (npm, tsc) and servers that print where they listen and run until stopped.
 */
import { spawn } from 'node:child_process';
import { stopChild } from '../support/redis-server';

/**
 * Runs `file ...args` in `cwd`; resolves with stdout, rejects with both outputs on failure (an
 * exit code other than 0, or than those of `exitCodes`).
 */
export function runCommand(
  file: string,
  args: readonly string[],
  options: {
    cwd: string;
    timeout: number;
    env?: NodeJS.ProcessEnv;
    exitCodes?: readonly number[];
  },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...process.env, NODE_OPTIONS: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== null && (options.exitCodes ?? [0]).includes(code)) resolve(stdout);
      else {
        const why = signal === null ? `exit code ${code}` : `${signal} after ${options.timeout} ms`;
        reject(
          new Error(`${file} ${args.join(' ')} in ${options.cwd} failed (${why}):\n${output}`),
        );
      }
    });
  });
}

/** A server in a child process. */
export interface RunningServer {
  /** What the server printed to say where it listens (the first line matching `ready`). */
  readonly ready: RegExpMatchArray;
  /** Everything it printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node script` in `cwd` and resolves once a line of its stdout matches `ready`. It is
 * killed when it does not get there within `startTimeout`, and in any case after `lifetime`, so
 * no server outlives the suite.
 */
export function startServer(
  script: string,
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    ready: RegExp;
    startTimeout: number;
    lifetime: number;
  },
): Promise<RunningServer> {
  const child = spawn(process.execPath, [script], {
    cwd: options.cwd,
    env: { ...process.env, NODE_OPTIONS: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const lifetime = setTimeout(() => child.kill('SIGKILL'), options.lifetime);
  lifetime.unref();
  return new Promise((resolve, reject) => {
    const startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${options.startTimeout} ms:\n${output}`));
    }, options.startTimeout);
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const ready = options.ready.exec(line);
        if (ready) {
          clearTimeout(startTimer);
          resolve({
            ready,
            output: () => output,
            stop: () => {
              clearTimeout(lifetime);
              return stopChild(child);
            },
          });
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(startTimer);
      reject(new Error(`${script} exited (${signal ?? code}) before it was ready:\n${output}`));
    });
  });
}
