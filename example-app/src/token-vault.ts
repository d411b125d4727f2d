/**
 * Encryption at rest for the credentials kept in the session (OAuth tokens or an API key):
 * AES-256-GCM with a key derived from the session secret, so a copy of the session store
 * (SQLite file, Redis dump) does not hand out working Agile CRM credentials.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT = 'passport-agilecrm example-app';
const INFO = 'session credentials AES-256-GCM v1';

/** Seals and opens JSON values; `context` binds a sealed value to its owner (for example a user). */
export class TokenVault {
  private readonly _key: Buffer;

  /** `secret` is the session secret; a separate key is derived from it with HKDF-SHA256. */
  constructor(secret: string) {
    if (typeof secret !== 'string' || secret.length < 32) {
      throw new TypeError('TokenVault needs a secret of at least 32 characters');
    }
    this._key = Buffer.from(hkdfSync('sha256', secret, SALT, INFO, 32));
  }

  /** Encrypts `value` (JSON-serializable) into an opaque string. */
  seal(value: unknown, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this._key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** Decrypts a value from {@link seal}; `undefined` when it was tampered with or is not ours. */
  open(sealed: unknown, context: string): unknown {
    if (typeof sealed !== 'string' || !sealed.startsWith(`${VERSION}.`)) return undefined;
    const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this._key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const text = Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      return JSON.parse(text) as unknown;
    } catch {
      // A wrong key, a changed context or altered bytes: treat as "no credentials".
      return undefined;
    }
  }
}
