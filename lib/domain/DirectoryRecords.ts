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
}

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
}
