import { timingSafeEqual } from 'node:crypto';

/**
 * Compares a computed digest with a presented one in constant time. timingSafeEqual throws on
 * buffers of different lengths, so the length is checked first; a digest's length is public (it is
 * fixed by the algorithm), so that check leaks nothing an attacker does not already know.
 */
export function digestsEqual(expected: Buffer, presented: Buffer): boolean {
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
