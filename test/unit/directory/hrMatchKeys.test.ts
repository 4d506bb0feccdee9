import { describe, expect, it } from 'vitest';
import { hrMatchKeys } from '../../../lib/directory/hrMatchKeys.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('hrMatchKeys', () => {
  it('gives the employee number and every email, lower-cased and without repeats', () => {
    expect(
      hrMatchKeys({
        userName: 'ghopper',
        emails: [{ value: 'Grace@Example.com' }, { value: 'grace@example.com' }, { value: 'g@navy.example', type: 'other' }],
        [ENTERPRISE]: { employeeNumber: 'N-1906' },
      }),
    ).toEqual(['EMPNO#N-1906', 'EMAIL#grace@example.com', 'EMAIL#g@navy.example']);
  });

  it('ignores what is not a non-empty string, and a user without either has no keys', () => {
    expect(hrMatchKeys({ emails: [{ value: 7 }, null, 'x@example.com', { value: '' }], [ENTERPRISE]: { employeeNumber: 12 } })).toEqual([]);
    expect(hrMatchKeys({ userName: 'a' })).toEqual([]);
  });

  it('indexes the first 20 emails only, so one user cannot cost a thousand index writes', () => {
    const emails = Array.from({ length: 25 }, (_, i) => ({ value: `a${i}@example.com` }));
    expect(hrMatchKeys({ emails })).toHaveLength(20);
  });
});
