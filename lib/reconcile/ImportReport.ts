import type { CorrelationRule } from '../domain/CorrelationRule.js';

/** An app account as an import report names it: ids and the identifiers it was matched by. */
export interface ImportedAccount {
  readonly accountId: string;
  readonly userName: string;
  readonly email?: string;
  readonly active: boolean;
}

/** An account exactly one person matches, and who matches no other account: approve links it. */
export interface LinkedImport extends ImportedAccount {
  readonly personId: string;
  readonly rule: CorrelationRule;
}

/** An account that is never linked automatically; an operator links it by hand if it is theirs. */
export interface AmbiguousImport extends ImportedAccount {
  readonly candidates: readonly string[];
  readonly rule: CorrelationRule;
  readonly reason: 'matches several people' | 'person matches several accounts' | 'person already holds another account';
}

/** An account whose link already exists (made by create, an earlier import or an operator). */
export interface AlreadyLinkedImport extends ImportedAccount {
  readonly personId: string;
}

/** What matching an app's accounts to the directory found; nothing is changed by making it. */
export interface ImportMatches {
  readonly linked: readonly LinkedImport[];
  readonly ambiguous: readonly AmbiguousImport[];
  readonly unmatched: readonly ImportedAccount[];
  readonly alreadyLinked: readonly AlreadyLinkedImport[];
}
