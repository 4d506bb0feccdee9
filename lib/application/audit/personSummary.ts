import { toPersonSnapshot } from '../../directory/toPersonSnapshot.js';
import type { AuditReads } from '../Application.js';
import { OperationError } from '../OperationError.js';
import { pendingTermination } from './pendingTermination.js';

/**
 * A person (or what is left of a deleted one), their access in every app, whether the kill switch
 * holds them, and the termination scheduled for them (`pendingTermination`: its job and time, or null).
 */
export async function personSummary(deps: Pick<AuditReads, 'directory' | 'access' | 'scheduler'>, id: string): Promise<unknown> {
  const user = await deps.directory.getUser(id);
  const [actual, planned] = await Promise.all([deps.access.listActual(id), deps.access.getPlanned(id)]);
  if (!user && actual.length === 0) throw new OperationError('notFound', `No person ${id}`);
  const termination = user ? await pendingTermination(deps.scheduler, user) : undefined;
  return { person: user ? toPersonSnapshot(user) : { id, deleted: true }, access: actual, locked: planned?.locked ?? false, pendingTermination: termination ?? null };
}
