import { describe, expect, it } from 'vitest';
import { safeErrorDetail } from '../../../lib/scim/safeErrorDetail.js';

describe('safeErrorDetail', () => {
  it('keeps a schema message and hides the runtime\'s', () => {
    expect(safeErrorDetail(new TypeError("Attribute 'emails' expected to be a collection"), 'fallback')).toBe("Attribute 'emails' expected to be a collection");
    expect(safeErrorDetail(new TypeError("Cannot read properties of undefined (reading 'value')"), 'fallback')).toBe('fallback');
    expect(safeErrorDetail(new TypeError('x.map is not a function'), 'fallback')).toBe('fallback');
    expect(safeErrorDetail('not an error', 'fallback')).toBe('fallback');
  });
});
