import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppAccount } from '../../../lib/connector-sdk/Connector.js';
import { CORRELATION_RULES } from '../../../lib/domain/CorrelationRule.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import { matchImportedAccounts } from '../../../lib/reconcile/matchImportedAccounts.js';

const person = (id: string, fields: Partial<PersonSnapshot> = {}): PersonSnapshot => ({ id, userName: `${id}@example.com`, active: true, ...fields });
const account = (accountId: string, fields: Partial<AppAccount> = {}): AppAccount => ({ accountId, userName: accountId, active: true, ...fields });

describe('matchImportedAccounts', () => {
  it('links width and case variants, never look-alikes, and leaves an account two people match ambiguous', () => {
    // Prepare
    const people = [
      person('ada', { email: 'ada@example.com' }),
      person('kate', { email: 'kate@example.com' }),
      person('twin-1', { email: 'shared@example.com' }),
      person('twin-2', { email: 'Shared@Example.com' }),
    ];
    const accounts = [
      account('A1', { email: 'ＡＤＡ@Example.COM' }), // fullwidth and upper case: the same address
      account('A2', { email: '\u212Aate@example.com' }), // KELVIN SIGN: a look-alike, refused by RFC 8265
      account('A3', { email: 'k\u0430te@example.com' }), // Cyrillic а: another person's address to a reader
      account('A4', { email: 'shared@example.com' }),
    ];

    // Act
    const matches = matchImportedAccounts({ accounts, people, rules: ['email', 'userName'], links: new Map() });

    // Assess
    expect(matches.linked).toEqual([{ accountId: 'A1', userName: 'A1', email: 'ＡＤＡ@Example.COM', active: true, personId: 'ada', rule: 'email' }]);
    expect(matches.ambiguous).toEqual([expect.objectContaining({ accountId: 'A4', candidates: ['twin-1', 'twin-2'], reason: 'matches several people' })]);
    expect(matches.unmatched.map((a) => a.accountId)).toEqual(['A2', 'A3']);
    expect(matches.alreadyLinked).toEqual([]);
  });

  it('lets the first rule that finds anyone decide, in the configured order', () => {
    // Prepare
    const people = [person('by-email', { email: 'x@example.com' }), person('by-number', { employeeNumber: '１７' })];
    const accounts = [account('A1', { email: 'x@example.com', employeeNumber: '17' })];

    // Act
    const emailFirst = matchImportedAccounts({ accounts, people, rules: ['email', 'employeeNumber'], links: new Map() });
    const numberFirst = matchImportedAccounts({ accounts, people, rules: ['employeeNumber', 'email'], links: new Map() });

    // Assess
    expect(emailFirst.linked).toEqual([expect.objectContaining({ personId: 'by-email', rule: 'email' })]);
    expect(numberFirst.linked).toEqual([expect.objectContaining({ personId: 'by-number', rule: 'employeeNumber' })]);
  });

  it('holds back a person two accounts match, or who already holds an account, and reports existing links', () => {
    // Prepare
    const people = [person('ada'), person('bob')];
    const accounts = [account('A1', { userName: 'ada@example.com' }), account('A2', { userName: 'ADA@example.com' }), account('B2', { userName: 'bob@example.com' }), account('B1')];

    // Act
    const matches = matchImportedAccounts({ accounts, people, rules: ['userName'], links: new Map([['B1', 'bob']]) });

    // Assess
    expect(matches.linked).toEqual([]);
    expect(matches.ambiguous.map((a) => [a.accountId, a.reason])).toEqual([
      ['A1', 'person matches several accounts'],
      ['A2', 'person matches several accounts'],
      ['B2', 'person already holds another account'],
    ]);
    expect(matches.alreadyLinked).toEqual([{ accountId: 'B1', userName: 'B1', active: true, personId: 'bob' }]);
  });

  it('compares externalIds exactly, as SCIM does', () => {
    const matches = matchImportedAccounts({
      accounts: [account('A1', { externalId: 'ABC' }), account('A2', { externalId: 'xyz' })],
      people: [person('p1', { externalId: 'abc' }), person('p2', { externalId: 'xyz' })],
      rules: ['externalId'],
      links: new Map(),
    });
    expect(matches.linked.map((a) => [a.accountId, a.personId])).toEqual([['A2', 'p2']]);
  });

  it('links an account only if exactly one person matches it and that person matches no other account (the seed is the run\'s FUZZ_SEED)', () => {
    const value = fc.constantFrom('a@x.io', 'A@X.IO', 'ａ@x.io', 'b@x.io', '\u212A@x.io', 'k@x.io', '7', '７', undefined);
    const fields = fc.record({ userName: value, email: value, employeeNumber: value, externalId: value });
    const rules = fc.shuffledSubarray([...CORRELATION_RULES], { minLength: 1 });
    const input = fc.record({
      people: fc.array(fields, { maxLength: 6 }).map((list) => list.map((f, i) => person(`p${i}`, clean({ ...f, userName: f.userName ?? `p${i}` })))),
      accounts: fc.array(fields, { maxLength: 6 }).map((list) => list.map((f, i) => account(`a${i}`, clean({ ...f, userName: f.userName ?? `a${i}` })))),
      rules,
    });
    fc.assert(
      fc.property(input, ({ people, accounts, rules: order }) => {
        const matches = matchImportedAccounts({ accounts, people, rules: order, links: new Map() });
        // Every account lands in exactly one list.
        const listed = [...matches.linked, ...matches.ambiguous, ...matches.unmatched].map((a) => a.accountId).sort();
        expect(listed).toEqual(accounts.map((a) => a.accountId).sort());
        const deciding = (a: AppAccount): string[] => {
          // The reference: the first rule under which any person matches, by the same canonical comparison.
          for (const rule of order) {
            const ids = people.filter((p) => same(rule, rule === 'email' ? a.email : a[rule], p[rule])).map((p) => p.id);
            if (ids.length > 0) return ids;
          }
          return [];
        };
        const claimed = new Map<string, number>();
        for (const a of accounts) {
          const ids = deciding(a);
          if (ids.length === 1) claimed.set(ids[0]!, (claimed.get(ids[0]!) ?? 0) + 1);
        }
        for (const a of accounts) {
          const ids = deciding(a);
          const linked = matches.linked.find((l) => l.accountId === a.accountId);
          expect(Boolean(linked)).toBe(ids.length === 1 && claimed.get(ids[0]!) === 1);
          if (linked) expect(linked.personId).toBe(ids[0]);
        }
        // No person is linked to two accounts.
        const linkedPeople = matches.linked.map((l) => l.personId);
        expect(new Set(linkedPeople).size).toBe(linkedPeople.length);
      }),
    );
  });
});

/** The comparison the import promises, written out independently: width and case variants of these values, exact otherwise. */
function same(rule: string, a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (rule === 'externalId') return a === b;
  const folded: Record<string, string> = { 'A@X.IO': 'a@x.io', 'ａ@x.io': 'a@x.io', '７': '7' };
  return (folded[a] ?? a) === (folded[b] ?? b);
}

function clean<T extends Record<string, string | undefined>>(fields: T): { [K in keyof T]: string } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as { [K in keyof T]: string };
}
