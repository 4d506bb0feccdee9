import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { DirectoryError } from '../domain/DirectoryError.js';
import { MEMBER_GONE, type Outbox, type UserRecord } from '../domain/DirectoryRecords.js';
import type { LedgerEventDraft } from '../domain/LedgerEvent.js';
import type { EventSource, GroupRef, LifecycleEvent } from '../domain/LifecycleEvent.js';
import { type AttributeAuthority, DEFAULT_AUTHORITY, type PersonAttribute } from '../domain/PersonAttribute.js';
import { classifyChange } from '../lifecycle/classifyChange.js';
import type { Logger } from '../observability/Logger.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import { type DeliveryDependencies, deliverWithin } from './deliverWithin.js';
import type { OutboxRelay } from './OutboxRelay.js';
import { retryDirectoryWrite } from './retryDirectoryWrite.js';
import { toPersonSnapshot } from './toPersonSnapshot.js';
import { withholdUnowned } from './withholdUnowned.js';

type Json = Record<string, unknown>;

/** Who is writing, as ordering, authority and the ledger need to know it. */
export interface WriteOrigin {
  /** The feeding source: "idp" for SCIM, "hr:<vendor>" for an HR system. */
  readonly source: string;
  /**
   * When the change happened at the source, for sources whose events can arrive out of order (HR
   * webhooks): a change older than the source's last applied one is stale and not applied.
   * Absent for request/response sources (SCIM), whose latest request is their latest word.
   */
  readonly happenedAt?: string;
  /** How the ledger names the writer. */
  readonly by: EventSource;
}

export interface PersonWrite {
  /** `stale`: older than what the source last said about this person; nothing was written. */
  readonly outcome: 'written' | 'unchanged' | 'stale';
  readonly user: UserRecord;
  readonly groups: readonly GroupRef[];
  /** Attributes the change set that another feeding source owns: recorded, kept as they were. */
  readonly withheld: readonly PersonAttribute[];
  /** For `stale`: when the source's last applied change happened. */
  readonly lastAppliedAt?: string;
}

export interface UpdateOptions {
  /** Checks the version read before anything is computed (If-Match); throws to refuse. */
  readonly precondition?: (version: number) => void;
  /** The caller pinned the version: a concurrent change is DirectoryError 'versionMismatch', not retried. */
  readonly pinned?: boolean;
}

/** Computes the new attributes from the current record, or undefined to change nothing. */
export type PersonChange = (current: UserRecord, groups: readonly GroupRef[]) => Promise<Json | undefined>;

export interface PeopleDirectoryDependencies {
  readonly store: DirectoryStore;
  readonly relay: OutboxRelay;
  readonly logger: Logger;
  readonly authority?: AttributeAuthority;
  readonly now?: () => Date;
  readonly pause?: (ms: number) => Promise<void>;
}

/**
 * The one way people are written, whichever protocol brought the change (SCIM and HR are ingress
 * adapters over it). Every write is conditional on the version it read and carries its lifecycle
 * events in the same item write (the outbox); on a conflict the change function runs again on what
 * is there now, so a writer re-applies its change, never a stale whole record. Ordering per source
 * and source authority are decided inside that same conditional write, from the record's `sources`.
 * Attributes arrive validated by the ingress adapter; refusals are DirectoryErrors.
 */
export class PeopleDirectory {
  private readonly now: () => Date;
  private readonly delivery: DeliveryDependencies;
  private readonly authority: AttributeAuthority;

  public constructor(private readonly deps: PeopleDirectoryDependencies) {
    this.now = deps.now ?? (() => new Date());
    this.delivery = { relay: deps.relay, logger: deps.logger, now: this.now };
    this.authority = deps.authority ?? DEFAULT_AUTHORITY;
  }

  public async get(id: string): Promise<UserRecord> {
    const user = await this.deps.store.getUser(id);
    if (!user) throw new DirectoryError('notFound', `User ${id} not found`);
    return user;
  }

  public async create(attributes: Json, origin: WriteOrigin): Promise<UserRecord> {
    const timestamp = this.now().toISOString();
    const user = toRecord(randomUUID(), attributes, { version: 1, created: timestamp, lastModified: timestamp, sources: { [origin.source]: origin.happenedAt ?? timestamp }, activeSetBy: origin.source });
    const key = { type: 'User', id: user.id } as const;
    const outbox = this.outbox([this.event(null, user, origin, timestamp)], timestamp);
    await retryDirectoryWrite(this.deps, key, {}, () => this.deps.store.putUser(user, undefined, outbox));
    await deliverWithin(this.delivery, key, outbox);
    return user;
  }

  /** Applies `change` to the person as they are when the write lands (see the class comment). */
  public async update(id: string, origin: WriteOrigin, change: PersonChange, options: UpdateOptions = {}): Promise<PersonWrite> {
    const key = { type: 'User', id } as const;
    const result = await retryDirectoryWrite(this.deps, key, { pinned: options.pinned ?? false }, async () => {
      const current = await this.get(id);
      options.precondition?.(current.version);
      const groups = await this.groupsOf(id);
      const lastAppliedAt = current.sources?.[origin.source];
      if (origin.happenedAt !== undefined && lastAppliedAt !== undefined && origin.happenedAt < lastAppliedAt) {
        return { write: { outcome: 'stale', user: current, groups, withheld: [], lastAppliedAt } satisfies PersonWrite };
      }
      const proposed = await change(current, groups);
      const decision = proposed === undefined ? { attributes: current.attributes, withheld: [] } : withholdUnowned(current, proposed, origin.source, this.authority);
      const changed = !isDeepStrictEqual(decision.attributes, current.attributes);
      const timestamp = this.now().toISOString();
      const sources = advanceSources(current.sources, origin, timestamp);
      if (!changed && sources === current.sources && decision.withheld.length === 0) {
        return { write: { outcome: 'unchanged', user: current, groups, withheld: [] } satisfies PersonWrite };
      }
      const next = toRecord(id, decision.attributes, {
        version: current.version + 1,
        created: current.created,
        lastModified: changed ? timestamp : current.lastModified,
        sources,
        activeSetBy: isActive(decision.attributes) === current.active ? current.activeSetBy : origin.source,
      });
      const outbox: Outbox = {
        ...this.outbox(changed ? [this.event(current, next, origin, timestamp)] : [], timestamp),
        ...(decision.withheld.length ? { auditEvents: [this.withheldDraft(id, origin, timestamp, decision)] } : {}),
      };
      await this.deps.store.putUser(next, current, outbox);
      return { write: { outcome: changed ? 'written' : 'unchanged', user: next, groups, withheld: decision.withheld } satisfies PersonWrite, outbox };
    });
    if (result.outbox) await deliverWithin(this.delivery, key, result.outbox);
    return result.write;
  }

  /** Deletes the person and their memberships; `precondition` as for update. */
  public async delete(id: string, origin: WriteOrigin, options: UpdateOptions = {}): Promise<void> {
    const key = { type: 'User', id } as const;
    const outbox = await retryDirectoryWrite(this.deps, key, { pinned: options.pinned ?? false }, async () => {
      const current = await this.get(id);
      options.precondition?.(current.version);
      const timestamp = this.now().toISOString();
      const groups = await this.groupsOf(id);
      const outbox: Outbox = {
        ...this.outbox([this.event(current, null, origin, timestamp, groups)], timestamp),
        // Removed for good: no older group write delivered late may bring a deleted user back.
        memberships: groups.map((group) => ({ op: 'remove', groupId: group.id, memberId: id, memberType: 'User', version: MEMBER_GONE })),
        deleteAfter: true,
      };
      await this.deps.store.markDeleted(key, current.version, outbox);
      return outbox;
    });
    await deliverWithin(this.delivery, key, outbox);
  }

  public async groupsOf(userId: string): Promise<GroupRef[]> {
    const ids = await this.deps.store.groupIdsOf(userId);
    if (ids.length === 0) return [];
    const groups = await this.deps.store.getGroups(ids);
    return groups.map((group) => ({ id: group.id, displayName: group.displayName })).sort((a, b) => a.id.localeCompare(b.id));
  }

  private event(before: UserRecord | null, after: UserRecord | null, origin: WriteOrigin, timestamp: string, groupsRemoved: readonly GroupRef[] = []): LifecycleEvent {
    const beforeSnapshot = before ? toPersonSnapshot(before) : null;
    const afterSnapshot = after ? toPersonSnapshot(after) : null;
    // Writes only happen when attributes changed; if none the snapshot holds did, the profile did.
    const classified = classifyChange(beforeSnapshot, afterSnapshot) ?? { kind: 'mover' as const, changes: ['profile'] };
    return {
      eventId: randomUUID(),
      kind: classified.kind,
      personId: (after ?? before)?.id ?? '',
      occurredAt: timestamp,
      source: origin.by,
      before: beforeSnapshot,
      after: afterSnapshot,
      changes: groupsRemoved.length ? [...classified.changes, 'groups'] : classified.changes,
      ...(groupsRemoved.length ? { groupsRemoved: [...groupsRemoved] } : {}),
    };
  }

  /** The ledger's record of a change another source owns: which attributes, never their values. */
  private withheldDraft(personId: string, origin: WriteOrigin, timestamp: string, decision: { withheld: readonly PersonAttribute[]; owner?: string }): LedgerEventDraft {
    return {
      eventId: `person.change-withheld:${randomUUID()}`,
      chain: `person#${personId}`,
      type: 'person.change-withheld',
      occurredAt: timestamp,
      source: origin.by,
      outcome: 'skipped',
      personId,
      detail: { source: origin.source, owner: decision.owner, attributes: decision.withheld },
    };
  }

  private outbox(events: LifecycleEvent[], timestamp: string): Outbox {
    return { id: randomUUID(), createdAt: timestamp, events, memberships: [] };
  }
}

/** The record's sources after this write, or the same object when nothing moves. */
function advanceSources(current: UserRecord['sources'], origin: WriteOrigin, timestamp: string): UserRecord['sources'] {
  const last = current?.[origin.source];
  // A request/response source is recorded once, as feeding the person; an ordered one keeps its latest time.
  const at = origin.happenedAt ?? (last === undefined ? timestamp : undefined);
  if (at === undefined || (last !== undefined && at <= last)) return current;
  return { ...current, [origin.source]: at };
}

const isActive = (attributes: Json): boolean => attributes.active !== false;

function toRecord(
  id: string,
  attributes: Json,
  meta: { version: number; created: string; lastModified: string; sources: UserRecord['sources']; activeSetBy: string | undefined },
): UserRecord {
  return {
    id,
    userName: String(attributes.userName),
    active: isActive(attributes),
    ...(typeof attributes.externalId === 'string' ? { externalId: attributes.externalId } : {}),
    version: meta.version,
    created: meta.created,
    lastModified: meta.lastModified,
    attributes,
    ...(meta.sources ? { sources: meta.sources } : {}),
    ...(meta.activeSetBy ? { activeSetBy: meta.activeSetBy } : {}),
  };
}
