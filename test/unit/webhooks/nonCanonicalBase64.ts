const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The same bytes spelled differently: flips an unused low bit of the last character before the
 * padding. Decoders ignore that bit, so a lax verifier would accept this second spelling.
 */
export function nonCanonicalBase64(base64: string): string {
  const at = base64.indexOf('=') - 1;
  const flipped = ALPHABET[ALPHABET.indexOf(base64.charAt(at)) ^ 1] ?? '';
  return `${base64.slice(0, at)}${flipped}${base64.slice(at + 1)}`;
}
