import { createHash } from 'node:crypto';

/**
 * Deterministic step id: the same event, app, action, entitlement and account always give the same
 * id. The account counts only when a step names one (so two orphan accounts of one event get two
 * steps), and leaves every other step's id as it always was.
 */
export function stepIdFor(eventId: string, app: string, action: string, entitlement = '', accountId?: string): string {
  const account = accountId === undefined ? '' : `\u0000${accountId}`;
  return createHash('sha256').update(`${eventId}\u0000${app}\u0000${action}\u0000${entitlement}${account}`).digest('hex').slice(0, 32);
}
