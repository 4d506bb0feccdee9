import type { LifecycleEvent } from '../domain/LifecycleEvent.js';
import type { LedgerEventDraft } from '../domain/LedgerEvent.js';

/** A lifecycle event as the ledger records it: on the person's chain, outcome "recorded". */
export function lifecycleToLedgerDraft(event: LifecycleEvent): LedgerEventDraft {
  return {
    eventId: event.eventId,
    chain: `person#${event.personId}`,
    type: `lifecycle.${event.kind}`,
    occurredAt: event.occurredAt,
    source: event.source,
    outcome: 'recorded',
    personId: event.personId,
    before: event.before,
    after: event.after,
    detail: {
      changes: event.changes,
      ...(event.groupsAdded?.length ? { groupsAdded: event.groupsAdded } : {}),
      ...(event.groupsRemoved?.length ? { groupsRemoved: event.groupsRemoved } : {}),
    },
  };
}
