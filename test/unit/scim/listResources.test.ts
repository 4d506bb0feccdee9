import { describe, expect, it } from 'vitest';
import { type IndexedLookup, listResources } from '../../../lib/scim/listResources.js';
import { parseListQuery } from '../../../lib/scim/parseListQuery.js';

type Json = Record<string, unknown>;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

interface FakeRecord {
  readonly id: string;
  readonly userName: string;
  readonly groups: string[];
}

/** listResources over an in-memory directory, recording what it asked for. */
function run(records: FakeRecord[], params: Parameters<typeof parseListQuery>[1]) {
  const lookups: (IndexedLookup | undefined)[] = [];
  const derivedFor: string[][] = [];
  const result = listResources<FakeRecord>({
    type: 'User',
    query: parseListQuery('User', params),
    candidates: async (lookup) => {
      lookups.push(lookup);
      if (lookup?.attribute === 'userName') return records.filter((r) => r.userName.toLowerCase() === lookup.value.toLowerCase());
      return records;
    },
    represent: async (page, withDerived) => {
      if (withDerived) derivedFor.push(page.map((r) => r.id));
      return page.map(
        (r): Json => ({ schemas: [USER], id: r.id, userName: r.userName, ...(withDerived ? { groups: r.groups.map((value) => ({ value })) } : {}) }),
      );
    },
    derivedAttribute: 'groups',
  });
  return { result, lookups, derivedFor };
}

const many = (n: number): FakeRecord[] =>
  Array.from({ length: n }, (_, i) => ({ id: `u${String(i).padStart(4, '0')}`, userName: `user${String(i).padStart(4, '0')}@example.com`, groups: [] }));

describe('listResources', () => {
  it('returns at most 1000 resources however many are asked for, with the full total', async () => {
    // Prepare
    const records = many(1500);

    // Act
    const { result } = run(records, { count: '100000' });
    const response = await result;

    // Assess
    expect(response.totalResults).toBe(1500);
    expect(response.itemsPerPage).toBe(1000);
    expect(response.Resources).toHaveLength(1000);
  });

  it('pages 1-based: startIndex is the position of the first resource returned', async () => {
    // Prepare
    const records = many(10);

    // Act
    const response = await run(records, { startIndex: '9', count: '5', sortBy: 'userName' }).result;

    // Assess
    expect(response).toMatchObject({ totalResults: 10, startIndex: 9, itemsPerPage: 2 });
    expect(response.Resources.map((r) => r.id)).toEqual(['u0008', 'u0009']);
  });

  it('answers userName eq from the index, and filters what the index returns', async () => {
    // Prepare
    const records = many(5);

    // Act
    const { result, lookups } = run(records, { filter: 'userName eq "USER0003@example.com" and userName sw "user"' });
    const response = await result;

    // Assess
    expect(lookups).toEqual([{ attribute: 'userName', value: 'USER0003@example.com' }]);
    expect(response.Resources.map((r) => r.id)).toEqual(['u0003']);
  });

  it('scans everything when the filter has no indexed equality', async () => {
    // Prepare
    const records = many(3);

    // Act
    const { result, lookups } = run(records, { filter: 'userName eq "user0001@example.com" or userName eq "user0002@example.com"' });
    const response = await result;

    // Assess
    expect(lookups).toEqual([undefined]);
    expect(response.totalResults).toBe(2);
  });

  it('reads the derived groups only for the page returned', async () => {
    // Prepare
    const records = many(6).map((r, i) => ({ ...r, groups: [`g${i}`] }));

    // Act
    const { result, derivedFor } = run(records, { startIndex: '2', count: '2', sortBy: 'userName' });
    const response = await result;

    // Assess
    expect(derivedFor).toEqual([['u0001', 'u0002']]);
    expect(response.Resources.map((r) => r.groups)).toEqual([[{ value: 'g1' }], [{ value: 'g2' }]]);
  });

  it('reads the derived groups for every candidate when the filter needs them, and not at all when excluded', async () => {
    // Prepare
    const records = many(4).map((r, i) => ({ ...r, groups: i % 2 === 0 ? ['even'] : [] }));

    // Act
    const filtered = run(records, { filter: 'groups.value eq "even"' });
    const excluded = run(records, { excludedAttributes: 'groups' });
    const filteredResponse = await filtered.result;
    const excludedResponse = await excluded.result;

    // Assess
    expect(filtered.derivedFor).toEqual([['u0000', 'u0001', 'u0002', 'u0003']]);
    expect(filteredResponse.Resources.map((r) => r.id)).toEqual(['u0000', 'u0002']);
    expect(excluded.derivedFor).toEqual([]);
    expect(excludedResponse.Resources.every((r) => !('groups' in r))).toBe(true);
  });
});
