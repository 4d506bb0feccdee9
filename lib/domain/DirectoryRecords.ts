import type { LedgerEventDraft } from './LedgerEvent.js';
import type { LifecycleEvent } from './LifecycleEvent.js';

export type ResourceType = 'User' | 'Group';

interface BaseRecord {
  readonly id: string;
  readonly externalId?: string;
  /** Monotonic per resource; the SCIM ETag is `W/"<version>"`. */
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
  /** The validated SCIM attributes (core and extensions) without id, meta and derived ones. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface UserRecord extends BaseRecord {
  readonly userName: string;
  readonly active: boolean;
  /**
   * Where this person's facts come from: per feeding source ("idp", "hr:workday"), when its last
   * applied change happened. Kept in the record so ordering and authority are decided in the same
   * conditional write as the change. Absent on records written before sources were tracked.
   */
  readonly sources?: Readonly<Record<string, string>>;
  /** The source that last changed `active`: another source may undo only what it did itself. */
  readonly activeSetBy?: string;
}

export interface GroupRecord extends BaseRecord {
  readonly displayName: string;
}

export interface MembershipChange {
  readonly op: 'add' | 'remove';
  readonly groupId: string;
  readonly memberId: string;
  readonly memberType: ResourceType;
  /**
   * The version of the group write that made this change (MEMBER_GONE when the member itself was
   * deleted). A membership row only ever moves to a higher version, so a late or concurrent
   * delivery of an older outbox can neither bring back a row a newer one removed nor remove one it
   * re-added. Absent in outboxes written before rows were versioned: such a change counts as 0.
   */
  readonly version?: number;
}

/**
 * The version of a removal made because the member was deleted: ids are never reused, so no later
 * group write may add the member back (a group write that read the member just before the delete
 * would otherwise re-add a row for someone who no longer exists).
 */
export const MEMBER_GONE = Number.MAX_SAFE_INTEGER;

/**
 * Work that must follow a directory write: membership rows to project and lifecycle events to
 * record. It is stored in the same item write as the change it belongs to (DynamoDB has no
 * transactions on the embedded engine), then delivered and cleared; a crash in between leaves it
 * pending, and recovery delivers it again, idempotently.
 */
export interface Outbox {
  readonly id: string;
  readonly createdAt: string;
  readonly events: readonly LifecycleEvent[];
  readonly memberships: readonly MembershipChange[];
  /** Ledger events about things other than a person (a group created, renamed, deleted). */
  readonly auditEvents?: readonly LedgerEventDraft[];
  /** The resource is being deleted: remove the item once the outbox is delivered. */
  readonly deleteAfter?: boolean;
}

export interface ResourceKey {
  readonly type: ResourceType;
  readonly id: string;
}

export interface PendingOutbox {
  readonly key: ResourceKey;
  readonly outbox: Outbox;
  /**
   * How many of the outbox's parts (lib/directory/outboxParts.ts) were delivered already: a large
   * outbox is delivered part by part, and a delivery cut short resumes after the last recorded one.
   */
  readonly deliveredParts?: number;
}
