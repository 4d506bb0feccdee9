import type { LedgerEvent } from '../domain/LedgerEvent.js';

export interface EntitlementAsOf {
  readonly entitlement: string;
  readonly grantedAt: string;
  /** The rules that justified the grant. */
  readonly rules: readonly string[];
}

export interface AppAccessAsOf {
  readonly app: string;
  readonly status: 'active' | 'disabled' | 'deleted';
  readonly entitlements: readonly EntitlementAsOf[];
  /** When the account was (last) created or re-enabled. */
  readonly since?: string;
  readonly lastChange: string;
}

/** Outcomes that mean the step's effect held: done now, or found already done. */
const HELD = new Set(['already in place', 'confirmed on retry']);

/**
 * Access at a point in time, replayed from the step outcomes recorded up to it (events in record
 * order): the auditor's "who had what, when", derived from the ledger alone, so it is as trustworthy
 * as the chain `verify` checks.
 */
export function reconstructAccess(events: Iterable<LedgerEvent>): Map<string, AppAccessAsOf> {
  const apps = new Map<string, { status: AppAccessAsOf['status']; entitlements: Map<string, EntitlementAsOf>; since?: string; lastChange: string }>();
  for (const event of events) {
    if (!event.type.startsWith('step.') || !event.app) continue;
    const reason = (event.detail as { outcomeReason?: unknown } | undefined)?.outcomeReason;
    const effective = event.outcome === 'applied' || (event.outcome === 'skipped' && typeof reason === 'string' && HELD.has(reason));
    if (!effective) continue;
    const state = apps.get(event.app) ?? { status: 'deleted' as const, entitlements: new Map<string, EntitlementAsOf>(), lastChange: event.recordedAt };
    state.lastChange = event.recordedAt;
    switch (event.type) {
      case 'step.createAccount':
      case 'step.updateAccount':
        if (state.status !== 'active') state.since = event.recordedAt;
        state.status = 'active';
        break;
      case 'step.disableAccount':
        state.status = 'disabled';
        break;
      case 'step.deleteAccount':
        state.status = 'deleted';
        state.entitlements.clear();
        break;
      case 'step.grant':
        if (event.entitlement) {
          state.entitlements.set(event.entitlement, {
            entitlement: event.entitlement,
            grantedAt: event.recordedAt,
            rules: event.rule ? event.rule.split(',') : [],
          });
        }
        break;
      case 'step.revoke':
        if (event.entitlement) state.entitlements.delete(event.entitlement);
        break;
    }
    apps.set(event.app, state);
  }
  // Sorted by app so that every reader (API, console, exports) lists apps in a stable order,
  // whatever order the parallel fan-out happened to record them in.
  return new Map(
    [...apps].sort(([a], [b]) => a.localeCompare(b)).map(([app, state]) => [
      app,
      {
        app,
        status: state.status,
        entitlements: [...state.entitlements.values()].sort((a, b) => a.entitlement.localeCompare(b.entitlement)),
        ...(state.since ? { since: state.since } : {}),
        lastChange: state.lastChange,
      },
    ]),
  );
}
