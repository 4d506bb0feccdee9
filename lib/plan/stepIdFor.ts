import { createHash } from 'node:crypto';

/** Deterministic step id: the same event, app, action and entitlement always give the same id. */
export function stepIdFor(eventId: string, app: string, action: string, entitlement = ''): string {
  return createHash('sha256').update(`${eventId}\u0000${app}\u0000${action}\u0000${entitlement}`).digest('hex').slice(0, 32);
}
