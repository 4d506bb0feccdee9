import { describe, expect, it } from 'vitest';
import { sortResources } from '../../../lib/scim/sortResources.js';

type Json = Record<string, unknown>;

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const ids = (resources: Json[]): unknown[] => resources.map((resource) => resource.id);

describe('sortResources', () => {
  const people: Json[] = [
    { id: 'c', userName: 'carol', displayName: 'carol', meta: { lastModified: '2024-01-01T12:00:00+02:00' } },
    { id: 'a', userName: 'Alice', displayName: 'Alice', meta: { lastModified: '2024-01-01T11:00:00Z' } },
    { id: 'n', userName: 'nobody' },
    { id: 'b', userName: 'bob', displayName: 'BOB', meta: { lastModified: '2024-01-01T10:30:00Z' } },
  ];

  it('sorts strings case-insensitively unless caseExact, ascending by default', () => {
    // Act
    const sorted = sortResources('User', people, 'displayName', false);

    // Assess
    expect(ids(sorted)).toEqual(['a', 'b', 'c', 'n']);
  });

  it('puts resources without the attribute last when descending too', () => {
    // Act
    const sorted = sortResources('User', people, 'displayName', true);

    // Assess
    expect(ids(sorted)).toEqual(['c', 'b', 'a', 'n']);
  });

  it('sorts case-exact attributes by code point', () => {
    // Prepare
    const resources = [
      { id: 'lower', externalId: 'abc' },
      { id: 'upper', externalId: 'ABD' },
      { id: 'mixed', externalId: 'Abc' },
    ];

    // Act
    const sorted = sortResources('User', resources, 'externalId', false);

    // Assess
    expect(ids(sorted)).toEqual(['upper', 'mixed', 'lower']);
  });

  it('sorts dateTime values as instants, whatever their time zone notation', () => {
    // Act
    const sorted = sortResources('User', people, 'meta.lastModified', false);

    // Assess: carol's 12:00+02:00 is 10:00Z, the earliest.
    expect(ids(sorted)).toEqual(['c', 'b', 'a', 'n']);
  });

  it('sorts a multi-valued attribute by its primary value, else its first, by the attribute or its value', () => {
    // Prepare
    const resources = [
      { id: 'primary-last', emails: [{ value: 'z@x' }, { value: 'a@x', primary: true }] },
      { id: 'no-emails' },
      { id: 'first-only', emails: [{ value: 'b@x' }, { value: 'c@x' }] },
      { id: 'primary-first', emails: [{ value: 'M@x', primary: true }, { value: 'a0@x' }] },
    ];

    // Act
    const byAttribute = sortResources('User', resources, 'emails', false);
    const byValue = sortResources('User', resources, 'emails.value', true);

    // Assess
    expect(ids(byAttribute)).toEqual(['primary-last', 'first-only', 'primary-first', 'no-emails']);
    expect(ids(byValue)).toEqual(['primary-first', 'first-only', 'primary-last', 'no-emails']);
  });

  it('sorts by an extension attribute named by URN', () => {
    // Prepare
    const resources = [
      { id: 'sales', [ENTERPRISE]: { department: 'Sales' } },
      { id: 'none' },
      { id: 'eng', [ENTERPRISE]: { department: 'engineering' } },
    ];

    // Act
    const sorted = sortResources('User', resources, `${ENTERPRISE}:department`, false);

    // Assess
    expect(ids(sorted)).toEqual(['eng', 'sales', 'none']);
  });

  it('is stable for equal keys', () => {
    // Prepare
    const resources = [
      { id: '1', title: 'Same' },
      { id: '2', title: 'same' },
      { id: '3', title: 'SAME' },
    ];

    // Act
    const ascending = sortResources('User', resources, 'title', false);
    const descending = sortResources('User', resources, 'title', true);

    // Assess
    expect(ids(ascending)).toEqual(['1', '2', '3']);
    expect(ids(descending)).toEqual(['1', '2', '3']);
  });
});
