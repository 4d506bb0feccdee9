import type { MembershipChange, Outbox } from '../domain/DirectoryRecords.js';
import type { LifecycleEvent } from '../domain/LifecycleEvent.js';

/** Membership changes delivered per part: a part's rows and events take seconds, not minutes. */
export const MEMBERSHIPS_PER_PART = 500;

export interface OutboxPart {
  readonly memberships: readonly MembershipChange[];
  /** The lifecycle events of this part's members, in the outbox's order. */
  readonly events: readonly LifecycleEvent[];
}

/**
 * Splits an outbox into the parts it is delivered in, the same way every time (a resumed delivery
 * skips the parts the store says were delivered). Each member's event goes with the part that
 * holds the member's last membership change, so a member's row is written before their event is
 * recorded, as for a small outbox; events of no member in the changes go with the last part.
 */
export function outboxParts(outbox: Outbox): OutboxPart[] {
  const { memberships, events } = outbox;
  if (memberships.length <= MEMBERSHIPS_PER_PART) return [{ memberships, events }];
  const partOf = new Map<string, number>();
  const slices: MembershipChange[][] = [];
  for (let start = 0; start < memberships.length; start += MEMBERSHIPS_PER_PART) {
    const slice = memberships.slice(start, start + MEMBERSHIPS_PER_PART);
    for (const change of slice) partOf.set(change.memberId, slices.length);
    slices.push(slice);
  }
  const eventsOf: LifecycleEvent[][] = slices.map(() => []);
  for (const event of events) eventsOf[partOf.get(event.personId) ?? slices.length - 1]?.push(event);
  return slices.map((slice, index) => ({ memberships: slice, events: eventsOf[index] ?? [] }));
}
