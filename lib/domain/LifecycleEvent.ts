import type { PersonSnapshot } from './PersonSnapshot.js';

export type LifecycleKind = 'joiner' | 'mover' | 'leaver';

/** Where a change came from, for the audit trail: the channel, who sent it, and their request id. */
export interface EventSource {
  readonly channel: 'scim' | 'hr-webhook' | 'admin' | 'schedule' | 'system';
  /** Who acted: the token label for an IdP, the HR system name, an admin's id. */
  readonly actor: string;
  readonly requestId?: string;
  /** e.g. "PATCH /Users/{id}" or an HR webhook's message id. */
  readonly operation?: string;
}

export interface GroupRef {
  readonly id: string;
  readonly displayName: string;
}

/**
 * One normalised joiner / mover / leaver fact about one person. Ingress channels produce these;
 * policy and planning consume them; the ledger records every one.
 */
export interface LifecycleEvent {
  /** Unique and stable across redelivery: the ledger de-duplicates on it. */
  readonly eventId: string;
  readonly kind: LifecycleKind;
  readonly personId: string;
  readonly occurredAt: string;
  readonly source: EventSource;
  readonly before: PersonSnapshot | null;
  readonly after: PersonSnapshot | null;
  /** Names of the snapshot attributes that differ, plus "groups" for membership changes. */
  readonly changes: readonly string[];
  readonly groupsAdded?: readonly GroupRef[];
  readonly groupsRemoved?: readonly GroupRef[];
}
