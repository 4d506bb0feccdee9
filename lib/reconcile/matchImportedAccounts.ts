import type { AppAccount } from '../connector-sdk/Connector.js';
import type { CorrelationRule } from '../domain/CorrelationRule.js';
import type { PersonSnapshot } from '../domain/PersonSnapshot.js';
import { canonicalUserName } from '../directory/identifiers/canonicalUserName.js';
import type { AlreadyLinkedImport, AmbiguousImport, ImportedAccount, ImportMatches, LinkedImport } from './ImportReport.js';

export interface ImportMatchInput {
  readonly accounts: readonly AppAccount[];
  readonly people: readonly PersonSnapshot[];
  readonly rules: readonly CorrelationRule[];
  /** The app's existing links, account id → person id. */
  readonly links: ReadonlyMap<string, string>;
}

interface Candidate {
  readonly account: AppAccount;
  readonly rule: CorrelationRule;
  readonly people: readonly string[];
}

/**
 * Matches an app's accounts to people by the connector's correlation rules, in order: the first rule
 * under which the account names anyone decides. A link is proposed only when that rule names exactly
 * one person and that person is proposed for no other account and holds no other link in the app;
 * anything else is ambiguous, since a wrong link hands one person's account to another.
 */
export function matchImportedAccounts(input: ImportMatchInput): ImportMatches {
  const indexes = new Map(input.rules.map((rule) => [rule, indexPeople(input.people, rule)] as const));
  const linkedPeople = new Set(input.links.values());
  const alreadyLinked: AlreadyLinkedImport[] = [];
  const unmatched: ImportedAccount[] = [];
  const candidates: Candidate[] = [];
  for (const account of input.accounts) {
    const holder = input.links.get(account.accountId);
    if (holder !== undefined) {
      alreadyLinked.push({ ...summary(account), personId: holder });
      continue;
    }
    const found = firstMatch(account, input.rules, indexes);
    if (found) candidates.push(found);
    else unmatched.push(summary(account));
  }
  const claims = new Map<string, number>();
  for (const { people } of candidates) if (people.length === 1) claims.set(people[0]!, (claims.get(people[0]!) ?? 0) + 1);
  const linked: LinkedImport[] = [];
  const ambiguous: AmbiguousImport[] = [];
  for (const { account, rule, people } of candidates) {
    const base = { ...summary(account), candidates: people, rule };
    const person = people[0]!;
    if (people.length > 1) ambiguous.push({ ...base, reason: 'matches several people' });
    else if ((claims.get(person) ?? 0) > 1) ambiguous.push({ ...base, reason: 'person matches several accounts' });
    else if (linkedPeople.has(person)) ambiguous.push({ ...base, reason: 'person already holds another account' });
    else linked.push({ ...summary(account), personId: person, rule });
  }
  return { linked, ambiguous, unmatched, alreadyLinked };
}

function firstMatch(account: AppAccount, rules: readonly CorrelationRule[], indexes: ReadonlyMap<CorrelationRule, ReadonlyMap<string, readonly string[]>>): Candidate | undefined {
  for (const rule of rules) {
    const value = accountValue(account, rule);
    const people = value === undefined ? undefined : indexes.get(rule)?.get(comparisonKey(rule, value));
    if (people && people.length > 0) return { account, rule, people };
  }
  return undefined;
}

function indexPeople(people: readonly PersonSnapshot[], rule: CorrelationRule): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const person of people) {
    const value = person[rule];
    if (value === undefined || value === '') continue;
    const key = comparisonKey(rule, value);
    const ids = index.get(key) ?? [];
    if (!ids.includes(person.id)) ids.push(person.id);
    index.set(key, ids);
  }
  for (const ids of index.values()) ids.sort();
  return index;
}

function accountValue(account: AppAccount, rule: CorrelationRule): string | undefined {
  const value = rule === 'email' ? account.email : account[rule];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * userNames, emails and employee numbers compare by their RFC 8265 canonical form (README
 * "Identifiers"), so width and case variants meet. A value the profile refuses (a KELVIN SIGN, a
 * styled letter) is compared exactly as written: folding it, as NFKC or toLowerCase would, is what
 * lets a look-alike account be linked to a real person. SCIM externalIds are case-exact.
 */
function comparisonKey(rule: CorrelationRule, value: string): string {
  if (rule === 'externalId') return `raw:${value}`;
  const canonical = canonicalUserName(value);
  return canonical.ok ? `canonical:${canonical.value}` : `raw:${value}`;
}

function summary(account: AppAccount): ImportedAccount {
  return { accountId: account.accountId, userName: account.userName, ...(account.email !== undefined ? { email: account.email } : {}), active: account.active };
}
