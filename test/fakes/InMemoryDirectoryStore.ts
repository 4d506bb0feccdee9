import { hrMatchKeys } from '../../lib/directory/hrMatchKeys.js';
import { identifierKeys } from '../../lib/directory/identifiers/identifierKeys.js';
import { DirectoryError } from '../../lib/domain/DirectoryError.js';
import type {
  GroupRecord,
  MembershipChange,
  Outbox,
  PendingOutbox,
  ResourceKey,
  ResourceType,
  UserRecord,
} from '../../lib/domain/DirectoryRecords.js';
import type { DirectoryStore, MatchIndexBackfill, Membership } from '../../lib/ports/DirectoryStore.js';
import { byKey, copy } from './storeSemantics.js';

interface Stored<R> {
  readonly record: R;
  /** The undelivered outbox of the last write, if any: it blocks further writes until completed. */
  readonly outbox?: Outbox;
  /** How many of the outbox's parts were delivered (recordOutboxProgress). */
  readonly deliveredParts?: number;
  /** Marked deleted: invisible to reads, removed once its outbox is completed. */
  readonly deleted?: boolean;
}

export interface InMemoryDirectoryStoreOptions {
  /**
   * Start with a complete match-key index, as a store is once recovery has backfilled it. The
   * DynamoDB adapter on a fresh table says false until backfillMatchIndex runs, and so does this
   * store by default.
   */
  readonly matchIndexComplete?: boolean;
}

/**
 * The DirectoryStore contract in memory (test/contract/directoryStoreContract.ts), for SCIM and HR
 * tests that need a directory but not an engine. Each call is atomic. Writes are conditional as in
 * the DynamoDB adapter: on the version read, refused while an earlier write's outbox is undelivered,
 * and a userName belongs to at most one user that is not being deleted, by canonical form and by
 * confusable skeleton (README "Identifiers"). Lists come back in the adapter's key order.
 */
export class InMemoryDirectoryStore implements DirectoryStore {
  private readonly users = new Map<string, Stored<UserRecord>>();
  private readonly groups = new Map<string, Stored<GroupRecord>>();
  /** Membership rows by group id, then member id; a removed row stays as a marker of its version. */
  private readonly members = new Map<string, Map<string, MembershipRow>>();
  /** Match key → ids of the users written with it (entries outlive the key, as the port allows). */
  private readonly matchIndex = new Map<string, Set<string>>();
  private matchIndexComplete: boolean;

  public constructor(options: InMemoryDirectoryStoreOptions = {}) {
    this.matchIndexComplete = options.matchIndexComplete ?? false;
  }

  public async getUser(id: string): Promise<UserRecord | undefined> {
    return live(this.users.get(id));
  }

  public async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    return present([...new Set(ids)].sort(byKey).map((id) => live(this.users.get(id))));
  }

  public async findUserByUserName(userName: string): Promise<UserRecord | undefined> {
    const owner = this.liveUserWith('userName', identifierKeys.userName(userName));
    return owner ? copy(owner) : undefined;
  }

  public async findIdsByExternalId(type: ResourceType, externalId: string): Promise<string[]> {
    return this.liveRecords(type)
      .filter((record) => record.externalId === externalId)
      .map((record) => record.id);
  }

  public async listUsers(): Promise<UserRecord[]> {
    return this.liveRecords('User') as UserRecord[];
  }

  public async findUserIdsByMatchKey(matchKey: string): Promise<string[]> {
    return [...(this.matchIndex.get(matchKey) ?? [])].sort(byKey);
  }

  public async hasMatchIndex(): Promise<boolean> {
    return this.matchIndexComplete;
  }

  /** No user here predates the identifier rules, so none collides. */
  public async backfillMatchIndex(): Promise<MatchIndexBackfill> {
    const users = this.liveRecords('User') as UserRecord[];
    for (const user of users) this.index(user.id, hrMatchKeys(user.attributes));
    this.matchIndexComplete = true;
    return { users: users.length, collidingUserIds: [] };
  }

  public async getGroup(id: string): Promise<GroupRecord | undefined> {
    return live(this.groups.get(id));
  }

  public async getGroups(ids: readonly string[]): Promise<GroupRecord[]> {
    return present([...new Set(ids)].sort(byKey).map((id) => live(this.groups.get(id))));
  }

  public async listGroups(): Promise<GroupRecord[]> {
    return this.liveRecords('Group') as GroupRecord[];
  }

  public async membersOf(groupId: string): Promise<Membership[]> {
    return [...(this.members.get(groupId)?.values() ?? [])]
      .filter((row) => !row.removed)
      .sort((a, b) => byKey(a.membership.memberId, b.membership.memberId))
      .map((row) => ({ ...row.membership }));
  }

  public async groupIdsOf(memberId: string): Promise<string[]> {
    return [...this.members.entries()]
      .filter(([, rows]) => rows.get(memberId)?.removed === false)
      .map(([groupId]) => groupId)
      .sort(byKey);
  }

  public async putUser(user: UserRecord, previous: UserRecord | undefined, outbox: Outbox): Promise<void> {
    // Each key is claimed only when it is new or changed, and only from other live users.
    for (const kind of ['userName', 'lookalike'] as const) {
      const key = identifierKeys[kind](user.userName);
      if (previous !== undefined && identifierKeys[kind](previous.userName) === key) continue;
      const owner = this.liveUserWith(kind, key);
      if (owner && owner.id !== user.id) throw new DirectoryError('uniqueness', kind === 'userName' ? 'userName is already taken' : 'userName looks like one already taken');
    }
    this.checkWrite({ type: 'User', id: user.id }, previous);
    this.users.set(user.id, { record: copy(user), outbox: copy(outbox) });
    const keys = hrMatchKeys(user.attributes);
    const previousKeys = previous ? hrMatchKeys(previous.attributes) : [];
    this.index(user.id, keys.filter((key) => !previousKeys.includes(key)));
    for (const key of previousKeys.filter((key) => !keys.includes(key))) this.matchIndex.get(key)?.delete(user.id);
  }

  public async putGroup(group: GroupRecord, previous: GroupRecord | undefined, outbox: Outbox): Promise<void> {
    this.checkWrite({ type: 'Group', id: group.id }, previous);
    this.groups.set(group.id, { record: copy(group), outbox: copy(outbox) });
  }

  public async markDeleted(key: ResourceKey, version: number, outbox: Outbox): Promise<void> {
    this.checkWrite(key, { version });
    const resources = this.resources(key.type);
    const current = resources.get(key.id) as Stored<UserRecord | GroupRecord>;
    resources.set(key.id, { record: { ...current.record, version: version + 1 }, outbox: copy(outbox), deleted: true });
  }

  public async applyMembership(change: MembershipChange): Promise<void> {
    const rows = this.members.get(change.groupId) ?? new Map<string, MembershipRow>();
    const { version } = change;
    const row = rows.get(change.memberId);
    // Unversioned (an outbox from before rows were versioned): older than any versioned row.
    if (row?.version !== undefined && (version === undefined || row.version >= version)) return;
    const membership = { groupId: change.groupId, memberId: change.memberId, memberType: change.memberType };
    rows.set(change.memberId, { membership, ...(version === undefined ? {} : { version }), removed: change.op === 'remove' });
    this.members.set(change.groupId, rows);
  }

  public async recordOutboxProgress(key: ResourceKey, outboxId: string, deliveredParts: number): Promise<void> {
    const resources = this.resources(key.type);
    const current = resources.get(key.id);
    if (!current || current.outbox?.id !== outboxId || (current.deliveredParts ?? 0) >= deliveredParts) return;
    resources.set(key.id, { ...current, deliveredParts });
  }

  public async completeOutbox(key: ResourceKey, outbox: Outbox): Promise<void> {
    const resources = this.resources(key.type);
    const current = resources.get(key.id);
    // Completed already, or a later write's outbox is pending now: nothing to do.
    if (!current || current.outbox?.id !== outbox.id) return;
    if (outbox.deleteAfter) resources.delete(key.id);
    else resources.set(key.id, { record: current.record, ...(current.deleted ? { deleted: true } : {}) });
  }

  public async pendingOutbox(key: ResourceKey): Promise<PendingOutbox | undefined> {
    const stored = this.resources(key.type).get(key.id);
    return stored?.outbox ? pendingEntry(key, stored) : undefined;
  }

  /** Oldest first: by the outbox's time, then resource type and id (the adapter's index sort key). */
  public async listPendingOutboxes(limit: number): Promise<PendingOutbox[]> {
    const pending: { sortKey: string; entry: PendingOutbox }[] = [];
    for (const type of ['User', 'Group'] as const) {
      for (const [id, stored] of this.resources(type)) {
        if (stored.outbox) pending.push({ sortKey: `${stored.outbox.createdAt}#${type}#${id}`, entry: pendingEntry({ type, id }, stored) });
      }
    }
    return pending
      .sort((a, b) => byKey(a.sortKey, b.sortKey))
      .slice(0, limit)
      .map(({ entry }) => entry);
  }

  private resources(type: ResourceType): Map<string, Stored<UserRecord | GroupRecord>> {
    return type === 'User' ? this.users : this.groups;
  }

  /** A create needs no item; a replace needs the version it read, nothing pending, nothing deleted. */
  private checkWrite(key: ResourceKey, previous: { version: number } | undefined): void {
    const current = this.resources(key.type).get(key.id);
    const what = `${key.type} ${key.id}`;
    if (previous === undefined) {
      if (current) throw conflict(current, what, 'uniqueness');
      return;
    }
    if (!current || current.outbox || current.deleted || current.record.version !== previous.version) {
      throw conflict(current, what, 'versionMismatch');
    }
  }

  private liveRecords(type: ResourceType): (UserRecord | GroupRecord)[] {
    return present([...this.resources(type).values()].map(live)).sort((a, b) => byKey(a.id, b.id));
  }

  private liveUserWith(kind: keyof typeof identifierKeys, key: string): UserRecord | undefined {
    for (const stored of this.users.values()) {
      if (!stored.deleted && identifierKeys[kind](stored.record.userName) === key) return stored.record;
    }
    return undefined;
  }

  private index(userId: string, keys: readonly string[]): void {
    for (const key of keys) {
      const ids = this.matchIndex.get(key) ?? new Set<string>();
      ids.add(userId);
      this.matchIndex.set(key, ids);
    }
  }
}

interface MembershipRow {
  readonly membership: Membership;
  readonly version?: number;
  readonly removed: boolean;
}

function pendingEntry(key: ResourceKey, stored: Stored<unknown>): PendingOutbox {
  return { key, outbox: copy(stored.outbox as Outbox), ...(stored.deliveredParts ? { deliveredParts: stored.deliveredParts } : {}) };
}

function live<R>(stored: Stored<R> | undefined): R | undefined {
  return stored && !stored.deleted ? copy(stored.record) : undefined;
}

function present<R>(records: readonly (R | undefined)[]): R[] {
  return records.filter((record): record is R => record !== undefined);
}

/** Why a conditional write failed: an undelivered outbox first, as the adapter explains it. */
function conflict(current: Stored<unknown> | undefined, what: string, otherwise: 'uniqueness' | 'versionMismatch'): DirectoryError {
  if (current?.outbox) return new DirectoryError('outboxPending', `${what} has undelivered changes`);
  return otherwise === 'uniqueness'
    ? new DirectoryError('uniqueness', `${what} already exists`)
    : new DirectoryError('versionMismatch', `${what} changed since it was read`);
}
