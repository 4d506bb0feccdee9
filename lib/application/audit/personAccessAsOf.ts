import { reconstructAccess } from '../../audit/reconstructAccess.js';
import type { AuditReads } from '../Application.js';
import { replayHistory } from './replayHistory.js';

/** What a person had in every app at a time, replayed from their ledger history. */
export async function personAccessAsOf(deps: Pick<AuditReads, 'audit'>, personId: string, asOf: string): Promise<unknown> {
  const events = await replayHistory((f) => deps.audit.byPerson(personId, f), asOf);
  return { personId, asOf, apps: [...reconstructAccess(events).values()] };
}
