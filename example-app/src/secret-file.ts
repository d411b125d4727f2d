/**
 * A session secret kept in a file when SESSION_SECRET is not set, so a restart does not log
 * everyone out. Created once with random bytes, readable by the owner only, in a folder only the
 * owner can enter. Processes starting at once all end up with the one secret written first.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const MIN_LENGTH = 32;

/** Reads the secret in `path`, creating the file with a new random secret when missing. */
export function readOrCreateSecret(path: string): string {
  const existing = readSecret(path);
  if (existing !== undefined) return existing;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Written whole under a name of its own ('wx'), then linked into place: link() fails when
  // `path` exists, so a process that loses the race reads the winner's secret, never a
  // half-written file, and no process replaces a secret another one already uses.
  const draft = `${path}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(draft, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(draft, path);
  } catch (err) {
    if (!hasCode(err, 'EEXIST')) throw err;
  } finally {
    unlinkSync(draft);
  }
  const secret = readSecret(path);
  if (secret === undefined) throw new Error(`The session secret file ${path} disappeared`);
  return secret;
}

/** The secret in `path`; `undefined` when there is no such file. */
function readSecret(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return undefined;
    throw err;
  }
  const secret = text.trim();
  if (secret.length < MIN_LENGTH) {
    // Replacing it would log out everyone whose session another process signed with it.
    throw new Error(
      `The session secret file ${path} holds fewer than ${MIN_LENGTH} characters: ` +
        'delete it to have a new one made, or set SESSION_SECRET',
    );
  }
  return secret;
}

function hasCode(err: unknown, code: string): boolean {
  return err instanceof Error && 'code' in err && err.code === code;
}
