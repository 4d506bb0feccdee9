import type { EventSource } from '../domain/LifecycleEvent.js';
import type { ScimContext } from './ScimContext.js';

/** Who a SCIM request is, as the ledger records it. */
export function eventSourceOf(context: ScimContext): EventSource {
  return {
    channel: context.channel ?? 'scim',
    actor: context.actor,
    ...(context.requestId ? { requestId: context.requestId } : {}),
    ...(context.operation ? { operation: context.operation } : {}),
  };
}
