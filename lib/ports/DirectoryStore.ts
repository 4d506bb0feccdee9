import type {
  GroupRecord,
  MembershipChange,
  Outbox,
  PendingOutbox,
  ResourceKey,
  ResourceType,
  UserRecord,
} from '../domain/DirectoryRecords.js';

/** What backfillMatchIndex did. */
export interface MatchIndexBackfill {
  /** Users indexed. */
  readonly users: number;
  /**
   * Users written before userNames were compared canonically (README "Identifiers") whose name is
   * the same as, or looks like, an earlier user's: both are kept, and these are reported.
   */
  readonly collidingUserIds: readonly string[];
}

export interface Membership {
  readonly groupId: string;
  readonly memberId: string;
  readonly memberType: ResourceType;
}

/**
 * Persistence for SCIM users, groups and memberships. Every write is conditional on the expected
 * version and carries its outbox in the same item write. Reads never return a resource that is
 * being deleted. Failures throw DirectoryError.
 */
export interface DirectoryStore {
  getUser(id: string): Promise<UserRecord | undefined>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  /** Strongly consistent, by canonical form (RFC 8265; userName is not case-exact in SCIM). */
  findUserByUserName(userName: string): Promise<UserRecord | undefined>;
  findIdsByExternalId(type: ResourceType, externalId: string): Promise<string[]>;
  listUsers(): Promise<UserRecord[]>;
  /**
   * Ids of users that had this HR match key (lib/directory/hrMatchKeys.ts) when written. May include
   * users that no longer have it or are deleted: callers read the users and check.
   */
  findUserIdsByMatchKey(matchKey: string): Promise<string[]>;
  /**
   * Whether every user is in the match-key index: true once backfillMatchIndex has indexed the
   * users written before the index existed. Until then an HR lookup must read all users.
   */
  hasMatchIndex(): Promise<boolean>;
  /**
   * Indexes every user's match keys and gives every user its userName and look-alike claims by
   * today's rules, then records that the index is complete. Idempotent.
   */
  backfillMatchIndex(): Promise<MatchIndexBackfill>;

  getGroup(id: string): Promise<GroupRecord | undefined>;
  getGroups(ids: readonly string[]): Promise<GroupRecord[]>;
  listGroups(): Promise<GroupRecord[]>;

  /** Current members only (never the markers removed rows leave), read page by page to the end. */
  membersOf(groupId: string): Promise<Membership[]>;
  groupIdsOf(memberId: string): Promise<string[]>;

  /**
   * Creates a user (`previous` undefined) or replaces the version `previous` was read at, claiming
   * its userName if new or changed (DirectoryError 'uniqueness' if another live user has the same
   * canonical userName or one that looks alike, 'versionMismatch' if the user changed since it was
   * read).
   */
  putUser(user: UserRecord, previous: UserRecord | undefined, outbox: Outbox): Promise<void>;
  /** As putUser; an outbox of any size is kept (the adapter may store it apart from the item). */
  putGroup(group: GroupRecord, previous: GroupRecord | undefined, outbox: Outbox): Promise<void>;
  /** Marks the resource deleted if still at `version`; the item goes when its outbox is delivered. */
  markDeleted(key: ResourceKey, version: number, outbox: Outbox): Promise<void>;

  /**
   * Idempotent and versioned: a change applies only if the row (present, or the marker a removal
   * leaves) was written at a lower version than the change's, so changes from several outboxes,
   * delivered in any order or at once, leave the row as the newest of them says.
   */
  applyMembership(change: MembershipChange): Promise<void>;
  /**
   * Records that the first `deliveredParts` parts of outbox were delivered, if it is still the
   * resource's pending outbox and the count only grows; otherwise does nothing.
   */
  recordOutboxProgress(key: ResourceKey, outboxId: string, deliveredParts: number): Promise<void>;
  /** Clears a delivered outbox (or removes the item if it was deleteAfter). Idempotent. */
  completeOutbox(key: ResourceKey, outbox: Outbox): Promise<void>;
  pendingOutbox(key: ResourceKey): Promise<PendingOutbox | undefined>;
  /** Undelivered outboxes, oldest first (recovery after a crash). */
  listPendingOutboxes(limit: number): Promise<PendingOutbox[]>;
}
