import { createHmac } from 'node:crypto';

export type HmacAlgorithm = 'sha256' | 'sha512';

/**
 * The raw HMAC of `message` under `key`. A string key is used as its UTF-8 bytes (how BambooHR and
 * HiBob document their secrets); a Buffer key as given (Standard Webhooks' base64-decoded secret).
 * The message is the exact text received, encoded as UTF-8, never re-serialised JSON.
 */
export function hmacDigest(algorithm: HmacAlgorithm, key: string | Buffer, message: string): Buffer {
  return createHmac(algorithm, key).update(message, 'utf8').digest();
}
