/** Child processes for the packaging tests: they see the built package as a user would. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** The repository root (where package.json is). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Runs `node ...args` in the repository root; resolves with stdout, rejects with stderr. */
export function node(args: string[], timeout = 60_000): Promise<string> {
  return run(process.execPath, args, timeout);
}

/** Runs `file ...args` in the repository root, bounded by `timeout` milliseconds. */
export function run(file: string, args: string[], timeout = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: ROOT,
        timeout,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, NODE_OPTIONS: '' },
      },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(`${path.basename(file)} ${args.join(' ')} failed:\n${stdout}\n${stderr}`),
          );
        else resolve(stdout);
      },
    );
  });
}
