/**
 * Unguessable tokens for login state handles and PKCE verifiers, and random IVs for sealing.
 */
import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from the CSPRNG 4 KiB at a time. */
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * `bytes` random bytes from the CSPRNG, base64url-encoded. Tokens are drawn on every login, so
 * they come from a pool that one CSPRNG call fills for many of them, not from a call each.
 */
export function randomToken(bytes: number): string {
  return draw(bytes, (start) => pool.toString('base64url', start, start + bytes));
}

/** Fills `target` with random bytes from the CSPRNG, through the same pool. */
export function fillRandom(target: Uint8Array): void {
  draw(target.length, (start) => target.set(pool.subarray(start, start + target.length)));
}

/** Hands `read` the start of `bytes` unused bytes of the pool, then overwrites them. */
function draw<T>(bytes: number, read: (start: number) => T): T {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const value = read(used);
  // Each byte is used once; overwrite it so no value stays readable in the pool.
  pool.fill(0, used, used + bytes);
  used += bytes;
  return value;
}
