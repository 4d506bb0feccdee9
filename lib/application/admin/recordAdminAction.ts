import type { LedgerEventDraft } from '../../domain/LedgerEvent.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { AdminRequest } from '../AdminRequest.js';

export type AdminAction = Pick<LedgerEventDraft, 'chain' | 'type'> & Partial<LedgerEventDraft>;

/** Records what an operator did, once per request (the event id is derived from the request id). */
export async function recordAdminAction(ledger: Pick<Ledger, 'append'>, request: AdminRequest, action: AdminAction, now = new Date()): Promise<void> {
  await ledger.append({
    eventId: `${action.type}:${request.requestId}`,
    occurredAt: now.toISOString(),
    source: { channel: 'admin', actor: request.actor, requestId: request.requestId, operation: request.operation },
    outcome: 'recorded',
    ...action,
  });
}
