/**
 * Unguessable tokens for login state handles and PKCE verifiers.
 */
import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from the CSPRNG 4 KiB at a time. */
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * `bytes` random bytes from the CSPRNG, base64url-encoded. One call into the CSPRNG serves
 * many tokens; a call per token cost more than the rest of a state handle's work.
 */
export function randomToken(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const token = pool.toString('base64url', used, used + bytes);
  // Each byte is used once; overwrite it so no token stays readable in the pool.
  pool.fill(0, used, used + bytes);
  used += bytes;
  return token;
}
