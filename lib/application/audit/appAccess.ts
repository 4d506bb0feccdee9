import { reconstructAccess } from '../../audit/reconstructAccess.js';
import type { LedgerEvent } from '../../domain/LedgerEvent.js';
import type { AuditReads } from '../Application.js';
import { replayHistory } from './replayHistory.js';

/** Who has an app now (the executor's projection), or as of a past time (replayed from the ledger). */
export async function appAccess(deps: Pick<AuditReads, 'access' | 'audit'>, app: string, asOf: string | undefined): Promise<unknown> {
  if (asOf === undefined) {
    const people = await deps.access.listActualByApp(app);
    return { app, asOf: new Date().toISOString(), people: people.map(({ personId, status, entitlements, accountId }) => ({ personId, status, entitlements, accountId })) };
  }
  const byPerson = new Map<string, LedgerEvent[]>();
  for (const event of await replayHistory((f) => deps.audit.byApp(app, f), asOf)) {
    if (!event.personId) continue;
    byPerson.set(event.personId, [...(byPerson.get(event.personId) ?? []), event]);
  }
  const people = [...byPerson].map(([personId, events]) => ({ personId, ...reconstructAccess(events).get(app) })).filter((p) => p.status !== undefined);
  return { app, asOf, people };
}
