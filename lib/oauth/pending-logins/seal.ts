/**
 * Authenticated encryption of short strings for cookies: AES-256-GCM under keys derived with
 * HKDF-SHA256 from the application's secrets, one key per secret and purpose.
 */
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { fillRandom } from '../../shared/random';

/** First byte of every sealed value; a later format gets another. */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const SALT = 'passport-agilecrm';

/** What a {@link Sealer} is for. */
interface SealerOptions {
  /** Seals, and opens. */
  secret: string;
  /** Only open: the secrets being replaced. */
  retired: readonly string[];
  /** Part of each key's derivation: another purpose derives other keys. */
  purpose: string;
  /** Authenticated with each value (a cookie's name): a value sealed for another does not open. */
  context: string;
}

/**
 * Seals with the first key and opens with any of them, so a secret can be replaced without
 * failing the values sealed under the previous one.
 *
 * The 96-bit IV is random for each value. NIST SP 800-38D bounds random IVs to 2^32 values per
 * key; rotating the secret starts a new key.
 */
export class Sealer {
  /** Bytes a sealed value adds to its plaintext, before base64url encoding. */
  static readonly OVERHEAD = 1 + IV_BYTES + TAG_BYTES;

  readonly #sealingKey: Buffer;
  readonly #keys: readonly Buffer[];
  /** The version byte is authenticated too, so no value can be opened as another format. */
  readonly #associatedData: Buffer;

  constructor(options: SealerOptions) {
    const derive = (secret: string): Buffer =>
      Buffer.from(hkdfSync('sha256', secret, SALT, options.purpose, KEY_BYTES));
    this.#sealingKey = derive(options.secret);
    this.#keys = [this.#sealingKey, ...options.retired.map(derive)];
    this.#associatedData = Buffer.from(`${VERSION}:${options.context}`, 'utf8');
  }

  /** `plaintext` encrypted and authenticated, base64url-encoded. */
  seal(plaintext: string): string {
    const body = Buffer.from(plaintext, 'utf8');
    const out = Buffer.allocUnsafe(1 + IV_BYTES + body.length + TAG_BYTES);
    out[0] = VERSION;
    const iv = out.subarray(1, 1 + IV_BYTES);
    fillRandom(iv);
    const cipher = createCipheriv('aes-256-gcm', this.#sealingKey, iv);
    cipher.setAAD(this.#associatedData);
    let at = 1 + IV_BYTES;
    at += cipher.update(body).copy(out, at);
    at += cipher.final().copy(out, at);
    cipher.getAuthTag().copy(out, at);
    return out.toString('base64url');
  }

  /**
   * The plaintext of a value sealed by {@link seal} under one of the keys, for the same purpose
   * and context; `undefined` for anything else (tampered, truncated, another key or context).
   */
  open(sealed: string): string | undefined {
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) return undefined;
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const body = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    for (const key of this.#keys) {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(this.#associatedData);
      decipher.setAuthTag(tag);
      const plain = decipher.update(body);
      try {
        return Buffer.concat([plain, decipher.final()]).toString('utf8');
      } catch {
        // Not sealed under this key (or altered): try the next one.
      }
    }
    return undefined;
  }
}
