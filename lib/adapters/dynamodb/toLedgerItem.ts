import type { LedgerEvent } from '../../domain/LedgerEvent.js';

/**
 * A ledger event as its DynamoDB item: the exact event JSON (what verification re-hashes) plus the
 * keys of every index that serves an auditor's question (see tableDefinitions.ts).
 */
export function toLedgerItem(event: LedgerEvent): Record<string, unknown> {
  const day = event.recordedAt.slice(0, 10);
  return {
    chain: event.chain,
    seq: event.seq,
    eventId: event.eventId,
    type: event.type,
    personId: event.personId,
    recordedAt: event.recordedAt,
    dayKey: `DAY#${day}`,
    timeKey: `${event.recordedAt}#${event.chain}#${String(event.seq).padStart(12, '0')}`,
    ...(event.app ? { appKey: `APP#${event.app}` } : {}),
    ...(event.personId ? { personKey: `PERSON#${event.personId}` } : {}),
    ...(event.app && event.entitlement ? { entitlementKey: `ENT#${event.app}#${event.entitlement}` } : {}),
    ...(event.seq === 1 ? { chainStartKey: 'CHAINS' } : {}),
    event: JSON.stringify(event),
  };
}
