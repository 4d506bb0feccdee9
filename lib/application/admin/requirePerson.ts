import type { PersonSnapshot } from '../../domain/PersonSnapshot.js';
import { toPersonSnapshot } from '../../directory/toPersonSnapshot.js';
import type { DirectoryStore } from '../../ports/DirectoryStore.js';
import { OperationError } from '../OperationError.js';

/** The person as policy sees them, or a 'notFound' refusal naming the id. */
export async function requirePerson(directory: Pick<DirectoryStore, 'getUser'>, id: string): Promise<PersonSnapshot> {
  const user = await directory.getUser(id);
  if (!user) throw new OperationError('notFound', `No person ${id}`);
  return toPersonSnapshot(user);
}
