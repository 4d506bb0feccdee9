import { toPersonSnapshot } from '../../directory/toPersonSnapshot.js';
import type { AuditReads } from '../Application.js';

/** Up to 50 people whose userName, display name, email or id contains the text (case-insensitive). */
export async function searchPersons(deps: Pick<AuditReads, 'directory'>, text: string): Promise<unknown[]> {
  const needle = text.trim().toLowerCase();
  const users = await deps.directory.listUsers();
  return users
    .map(toPersonSnapshot)
    .filter((p) => !needle || [p.userName, p.displayName, p.email, p.id].some((v) => v?.toLowerCase().includes(needle)))
    .slice(0, 50)
    .map((p) => ({ id: p.id, userName: p.userName, displayName: p.displayName, active: p.active, department: p.department }));
}
