import { describe, expect, it } from 'vitest';
import { keyFits } from '../../../lib/adapters/dynamodb/keyFits.js';

describe('keyFits', () => {
  it('accepts keys up to DynamoDB’s limits in UTF-8 bytes: 2048 for the partition key, 1024 for the sort key', () => {
    expect(keyFits('p'.repeat(2048), 's'.repeat(1024))).toBe(true);
    expect(keyFits('p'.repeat(2049))).toBe(false);
    expect(keyFits('p', 's'.repeat(1025))).toBe(false);
  });

  it('counts bytes, not characters', () => {
    // "é" is two bytes in UTF-8: 1025 of them are 2050 bytes.
    expect(keyFits('é'.repeat(1024))).toBe(true);
    expect(keyFits('é'.repeat(1025))).toBe(false);
  });
});
