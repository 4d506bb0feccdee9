import { createHash } from 'node:crypto';

/**
 * The hex SHA-256 of the raw body: the message id for vendors that send no delivery id. A retry of
 * the same delivery has the same bytes, so it is recognised as a replay; a different event differs
 * in at least its type, id or timestamp fields.
 */
export function sha256Hex(rawBody: string): string {
  return createHash('sha256').update(rawBody, 'utf8').digest('hex');
}
