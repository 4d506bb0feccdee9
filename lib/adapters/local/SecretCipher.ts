import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { SecretStoreError } from '../../secrets/SecretStoreError.js';

/** One encrypted value as stored on disk (base64 fields). */
export interface SealedValue {
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

const ALGORITHM = 'aes-256-gcm';
// 96 bits is GCM's native IV size; random IVs under one key stay far below the 2^32 messages
// after which a collision becomes a concern.
const IV_BYTES = 12;
// Fixed explicitly: without authTagLength, Node accepts a truncated tag, which weakens the check.
const TAG_BYTES = 16;

/**
 * AES-256-GCM for the local secret store. The secret's name and version id are bound as additional
 * authenticated data, so a ciphertext copied to another secret, or to another version of the same
 * secret (an old value replayed as the current one), fails authentication instead of decrypting.
 */
export class SecretCipher {
  /** A short fingerprint of the key (HMAC, so it reveals nothing about it), kept in every secret file
   * so that decrypting with a different key fails with "wrong key", not with "file tampered with". */
  public readonly keyId: string;

  public constructor(private readonly key: Buffer) {
    this.keyId = createHmac('sha256', key).update('perimeter local secret store key id').digest('hex').slice(0, 16);
  }

  public seal(name: string, versionId: string, value: string): SealedValue {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(name, versionId));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  public open(name: string, versionId: string, sealed: SealedValue): string {
    try {
      const iv = Buffer.from(sealed.iv, 'base64');
      if (iv.length !== IV_BYTES) throw new Error(`IV is ${iv.length} bytes, expected ${IV_BYTES}`);
      const decipher = createDecipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(name, versionId));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SecretStoreError(
        'unavailable',
        `Secret "${name}" version ${versionId} failed its integrity check: its file was modified or damaged, or the value was copied from another secret or version`,
        { cause: error },
      );
    }
  }
}

// JSON encoding keeps the parts unambiguous ("a" + "bc" differs from "ab" + "c"); the label
// versions the format so a future scheme can never accept today's ciphertexts by accident.
function associatedData(name: string, versionId: string): Buffer {
  return Buffer.from(JSON.stringify(['perimeter-local-secret-v1', name, versionId]), 'utf8');
}
