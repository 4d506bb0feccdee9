const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decodes a presented signature strictly, or returns undefined. Buffer.from silently skips invalid
 * characters and truncates, which would let a malformed header decode to something comparable; the
 * text is therefore checked against its alphabet and the decoded length against the digest's first.
 */
export function decodeSignature(text: string, encoding: 'hex' | 'base64', byteLength: number): Buffer | undefined {
  const alphabet = encoding === 'hex' ? HEX : BASE64;
  if (!alphabet.test(text)) return undefined;
  const bytes = Buffer.from(text, encoding);
  if (bytes.length !== byteLength) return undefined;
  // base64 with stray padding or non-canonical trailing bits decodes but does not round-trip.
  if (encoding === 'base64' && bytes.toString('base64') !== text) return undefined;
  return bytes;
}
