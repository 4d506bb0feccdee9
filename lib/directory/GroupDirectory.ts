import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { DirectoryError } from '../domain/DirectoryError.js';
import type { GroupRecord, Outbox, ResourceKey, ResourceType } from '../domain/DirectoryRecords.js';
import type { EventSource } from '../domain/LifecycleEvent.js';
import type { Logger } from '../observability/Logger.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import { type DeliveryDependencies, deliverWithin } from './deliverWithin.js';
import { groupOutbox } from './groupOutbox.js';
import type { OutboxRelay } from './OutboxRelay.js';
import { retryDirectoryWrite } from './retryDirectoryWrite.js';

type Json = Record<string, unknown>;

/** A member as the directory knows it; `display` is the member's name when it was read. */
export interface GroupMember {
  readonly value: string;
  readonly type: ResourceType;
  readonly display?: string;
}

/** A member as a write names it (the type is looked up). */
export interface MemberReference {
  readonly value: string;
}

export interface GroupState {
  readonly group: GroupRecord;
  readonly members: readonly GroupMember[];
  /** Whether this call wrote a new version. */
  readonly written: boolean;
}

/** The group's new attributes and members, computed from the group as the write finds it; undefined to change nothing. */
export type GroupChange = (current: GroupRecord, members: readonly GroupMember[]) => Promise<{ attributes: Json; members: readonly MemberReference[] } | undefined>;

export interface GroupWriteOptions {
  /** Checks the version read before anything is computed (If-Match); throws to refuse. */
  readonly precondition?: (version: number) => void;
  /** The caller pinned the version: a concurrent change is DirectoryError 'versionMismatch', not retried. */
  readonly pinned?: boolean;
}

export interface GroupDirectoryDependencies {
  readonly store: DirectoryStore;
  readonly relay: OutboxRelay;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly pause?: (ms: number) => Promise<void>;
}

/**
 * The one way groups are written, whichever protocol brought the change (SCIM's /Groups is an
 * ingress adapter over it). Each write is conditional on the version it read and carries its
 * outbox (groupOutbox: versioned membership changes, a mover event per user, a group event); on a
 * conflict the change runs again on the group as it is now. Members must exist and a group cannot
 * contain itself (DirectoryError 'invalidReference'). A write delivers its own outbox for up to
 * WRITE_DELIVERY_MS (deliverWithin) and leaves the rest to recovery. Attributes arrive validated by the adapter.
 */
export class GroupDirectory {
  private readonly now: () => Date;
  private readonly delivery: DeliveryDependencies;

  public constructor(private readonly deps: GroupDirectoryDependencies) {
    this.now = deps.now ?? (() => new Date());
    this.delivery = { relay: deps.relay, logger: deps.logger, now: this.now };
  }

  public async get(id: string): Promise<GroupRecord> {
    const group = await this.deps.store.getGroup(id);
    if (!group) throw new DirectoryError('notFound', `Group ${id} not found`);
    return group;
  }

  /** The current members, ordered by id, with their display names when `withDisplay`. */
  public async membersOf(groupId: string, withDisplay: boolean): Promise<GroupMember[]> {
    const rows = await this.deps.store.membersOf(groupId);
    const members = rows.map((row) => ({ value: row.memberId, type: row.memberType })).sort((a, b) => a.value.localeCompare(b.value));
    return withDisplay ? this.withDisplay(members) : members;
  }

  /** Adds display names to the members that lack one (reads each such member). */
  public async withDisplay(members: readonly GroupMember[]): Promise<GroupMember[]> {
    if (members.length === 0 || members.every((m) => m.display !== undefined)) return [...members];
    const missing = members.filter((m) => m.display === undefined);
    const display = await this.displayNames(
      missing.filter((m) => m.type === 'User').map((m) => m.value),
      missing.filter((m) => m.type === 'Group').map((m) => m.value),
    );
    return members.map((m) => (m.display === undefined && display.has(m.value) ? { ...m, display: display.get(m.value) } : m));
  }

  public async create(attributes: Json, members: readonly MemberReference[], by: EventSource): Promise<GroupState> {
    const resolved = await this.resolve(members, undefined, []);
    const timestamp = this.now().toISOString();
    const group = toRecord(randomUUID(), attributes, 1, timestamp, timestamp);
    const outbox = await groupOutbox(this.deps.store, { change: 'created', group, before: null, previous: [], next: resolved, source: by, timestamp });
    await retryDirectoryWrite(this.deps, key(group.id), {}, () => this.deps.store.putGroup(group, undefined, outbox));
    await deliverWithin(this.delivery, key(group.id), outbox);
    return { group, members: resolved, written: true };
  }

  /** Applies `change` to the group as it is when the write lands. */
  public async update(id: string, by: EventSource, change: GroupChange, options: GroupWriteOptions = {}): Promise<GroupState> {
    const result = await retryDirectoryWrite(this.deps, key(id), { pinned: options.pinned ?? false }, async (): Promise<{ state: GroupState; outbox?: Outbox }> => {
      const current = await this.get(id);
      options.precondition?.(current.version);
      // Before the change is computed: on a group of 50,000 that takes seconds, and the write would
      // be refused at the end anyway while an earlier write's outbox is undelivered.
      if (await this.deps.store.pendingOutbox(key(id))) throw new DirectoryError('outboxPending', `Group ${id} has undelivered changes`);
      const currentMembers = await this.membersOf(id, false);
      const next = await change(current, currentMembers);
      const unchanged = { state: { group: current, members: currentMembers, written: false } satisfies GroupState };
      if (next === undefined) return unchanged;
      const members = await this.resolve(next.members, id, currentMembers);
      if (isDeepStrictEqual(ids(members), ids(currentMembers)) && isDeepStrictEqual(next.attributes, current.attributes)) return unchanged;
      const timestamp = this.now().toISOString();
      const group = toRecord(id, next.attributes, current.version + 1, current.created, timestamp);
      const outbox = await groupOutbox(this.deps.store, { change: 'updated', group, before: current, previous: currentMembers, next: members, source: by, timestamp });
      await this.deps.store.putGroup(group, current, outbox);
      return { state: { group, members, written: true } satisfies GroupState, outbox };
    });
    if (result.outbox) await deliverWithin(this.delivery, key(id), result.outbox);
    return result.state;
  }

  /** Deletes the group and its memberships; options as for update. */
  public async delete(id: string, by: EventSource, options: GroupWriteOptions = {}): Promise<void> {
    const outbox = await retryDirectoryWrite(this.deps, key(id), { pinned: options.pinned ?? false }, async () => {
      const current = await this.get(id);
      options.precondition?.(current.version);
      const timestamp = this.now().toISOString();
      const members = await this.membersOf(id, false);
      const outbox: Outbox = {
        ...(await groupOutbox(this.deps.store, { change: 'deleted', group: current, before: current, previous: members, next: [], source: by, timestamp })),
        deleteAfter: true,
      };
      await this.deps.store.markDeleted(key(id), current.version, outbox);
      return outbox;
    });
    await deliverWithin(this.delivery, key(id), outbox);
  }

  /**
   * Members must exist (as users or groups) and a group cannot contain itself. Members the group
   * has already are known to exist (a member's delete removes its rows), so only the others are
   * read: a PATCH adding 1,000 members to a group of 50,000 reads 1,000 resources, not 51,000.
   */
  private async resolve(members: readonly MemberReference[], groupId: string | undefined, current: readonly GroupMember[]): Promise<GroupMember[]> {
    if (members.length === 0) return [];
    const known = new Map(current.map((m) => [m.value, m] as const));
    const values = [...new Set(members.map((m) => m.value))];
    if (groupId !== undefined && values.includes(groupId)) throw new DirectoryError('invalidReference', 'A group cannot be a member of itself');
    const unknown = values.filter((value) => !known.has(value));
    const users = unknown.length ? await this.deps.store.getUsers(unknown) : [];
    const userIds = new Set(users.map((u) => u.id));
    const rest = unknown.filter((value) => !userIds.has(value));
    const groups = rest.length ? await this.deps.store.getGroups(rest) : [];
    const groupIds = new Set(groups.map((g) => g.id));
    const missing = rest.filter((value) => !groupIds.has(value));
    if (missing.length > 0) {
      throw new DirectoryError('invalidReference', `Members not found: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}`);
    }
    const display = new Map<string, string>([...users.map((u) => [u.id, userDisplay(u)] as const), ...groups.map((g) => [g.id, g.displayName] as const)]);
    return values
      .map((value) => known.get(value) ?? { value, type: userIds.has(value) ? ('User' as const) : ('Group' as const), display: display.get(value) })
      .sort((a, b) => a.value.localeCompare(b.value));
  }

  private async displayNames(userIds: readonly string[], groupIds: readonly string[]): Promise<Map<string, string>> {
    const users = userIds.length ? await this.deps.store.getUsers(userIds) : [];
    const groups = groupIds.length ? await this.deps.store.getGroups(groupIds) : [];
    return new Map<string, string>([...users.map((u) => [u.id, userDisplay(u)] as const), ...groups.map((g) => [g.id, g.displayName] as const)]);
  }
}

const key = (id: string): ResourceKey => ({ type: 'Group', id });
const ids = (members: readonly GroupMember[]): string[] => members.map((m) => m.value).sort();
const userDisplay = (user: { attributes: Json; userName: string }): string => (typeof user.attributes.displayName === 'string' ? user.attributes.displayName : user.userName);

function toRecord(id: string, attributes: Json, version: number, created: string, lastModified: string): GroupRecord {
  return {
    id,
    displayName: String(attributes.displayName),
    ...(typeof attributes.externalId === 'string' ? { externalId: attributes.externalId } : {}),
    version,
    created,
    lastModified,
    attributes,
  };
}
