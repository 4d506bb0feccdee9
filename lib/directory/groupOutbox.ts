import { randomUUID } from 'node:crypto';
import type { GroupRecord, MembershipChange, Outbox, ResourceType, UserRecord } from '../domain/DirectoryRecords.js';
import type { LedgerEventDraft } from '../domain/LedgerEvent.js';
import type { EventSource, LifecycleEvent } from '../domain/LifecycleEvent.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import { toPersonSnapshot } from './toPersonSnapshot.js';

/** A member as a group write names it. */
export interface GroupMember {
  readonly value: string;
  readonly type: ResourceType;
}

/**
 * Member ids a group event lists per direction. Every member added or removed also gets an event
 * on their own chain, so past this the group event gives the count instead of a list that would
 * outgrow a ledger item (50,000 ids are about 2 MB).
 */
export const LISTED_MEMBERS = 1000;

/** Users read at once for their snapshots (a store batch read takes 100 keys a request). */
const USERS_READ_AT_ONCE = 1000;

export interface GroupWrite {
  readonly change: 'created' | 'updated' | 'deleted';
  /** The group as written (for a delete: as it was, at the version the delete gives it). */
  readonly group: GroupRecord;
  readonly before: GroupRecord | null;
  readonly previous: readonly GroupMember[];
  readonly next: readonly GroupMember[];
  readonly source: EventSource;
  readonly timestamp: string;
}

/**
 * The outbox of a group write, whichever protocol made it: a membership change for each member
 * added or removed, at the version the write gives the group (rows only move forward, so an older
 * outbox delivered late cannot undo it); a mover event on each user's own chain, describing the
 * person as they are at the write, since that is the state the event is evidence of; and a group
 * event for the audit trail.
 */
export async function groupOutbox(store: Pick<DirectoryStore, 'getUsers'>, write: GroupWrite): Promise<Outbox> {
  const { group, before, source, timestamp } = write;
  const previousIds = new Set(write.previous.map((m) => m.value));
  const nextIds = new Set(write.next.map((m) => m.value));
  const added = write.next.filter((m) => !previousIds.has(m.value));
  const removed = write.previous.filter((m) => !nextIds.has(m.value));
  const version = write.change === 'deleted' ? group.version + 1 : group.version;
  const memberships: MembershipChange[] = [
    ...added.map((m) => ({ op: 'add' as const, groupId: group.id, memberId: m.value, memberType: m.type, version })),
    ...removed.map((m) => ({ op: 'remove' as const, groupId: group.id, memberId: m.value, memberType: m.type, version })),
  ];
  const ref = { id: group.id, displayName: group.displayName };
  const userIds = [...added, ...removed].filter((m) => m.type === 'User').map((m) => m.value);
  const events: LifecycleEvent[] = (await readUsers(store, userIds)).map((user) => {
    const snapshot = toPersonSnapshot(user);
    return {
      eventId: randomUUID(),
      kind: 'mover',
      personId: user.id,
      occurredAt: timestamp,
      source,
      before: snapshot,
      after: snapshot,
      changes: ['groups'],
      ...(nextIds.has(user.id) ? { groupsAdded: [ref] } : { groupsRemoved: [ref] }),
    };
  });
  const auditEvent: LedgerEventDraft = {
    eventId: randomUUID(),
    chain: `group#${group.id}`,
    type: `group.${write.change}`,
    occurredAt: timestamp,
    source,
    outcome: 'recorded',
    before: before ? { displayName: before.displayName, externalId: before.externalId } : undefined,
    after: write.change === 'deleted' ? undefined : { displayName: group.displayName, externalId: group.externalId },
    detail: { ...listed('membersAdded', added), ...listed('membersRemoved', removed) },
  };
  return { id: randomUUID(), createdAt: timestamp, events, memberships, auditEvents: [auditEvent] };
}

function listed(name: 'membersAdded' | 'membersRemoved', members: readonly GroupMember[]): Record<string, unknown> {
  const ids = members.map((m) => m.value);
  if (ids.length <= LISTED_MEMBERS) return { [name]: ids };
  return { [name]: ids.slice(0, LISTED_MEMBERS), [`${name}Count`]: ids.length };
}

async function readUsers(store: Pick<DirectoryStore, 'getUsers'>, ids: readonly string[]): Promise<UserRecord[]> {
  const users: UserRecord[] = [];
  for (let start = 0; start < ids.length; start += USERS_READ_AT_ONCE) users.push(...(await store.getUsers(ids.slice(start, start + USERS_READ_AT_ONCE))));
  return users;
}
