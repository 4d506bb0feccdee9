import { toPersonSnapshot } from '../../directory/toPersonSnapshot.js';
import type { AuditReads } from '../Application.js';
import { OperationError } from '../OperationError.js';

/** A person (or what is left of a deleted one), their access in every app, and whether the kill switch holds them. */
export async function personSummary(deps: Pick<AuditReads, 'directory' | 'access'>, id: string): Promise<unknown> {
  const user = await deps.directory.getUser(id);
  const [actual, planned] = await Promise.all([deps.access.listActual(id), deps.access.getPlanned(id)]);
  if (!user && actual.length === 0) throw new OperationError('notFound', `No person ${id}`);
  return { person: user ? toPersonSnapshot(user) : { id, deleted: true }, access: actual, locked: planned?.locked ?? false };
}
