import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented shared token with the configured one in constant time. Both are hashed first
 * so the buffers always have the same length: neither the token's length nor how many leading
 * characters match leaks through timing (the same approach as the SCIM bearer-token check).
 */
export function secretsEqual(presented: string, configured: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(configured, 'utf8').digest();
  return timingSafeEqual(a, b) && configured.length > 0;
}
