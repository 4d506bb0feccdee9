import type { ConnectorImport } from '../../domain/ConnectorImport.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import { OperationError } from '../OperationError.js';

const ATTEMPTS = 5;

/**
 * Sets `change` on an app's import state and saves it, reading again when another writer (a
 * second import, an approval) saved first, so neither undoes the other.
 */
export async function saveImportState(
  imports: ImportStore,
  app: string,
  now: Date,
  change: Partial<Pick<ConnectorImport, 'report' | 'approval'>>,
): Promise<ConnectorImport> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await imports.get(app);
    const next: ConnectorImport = { ...(current ?? { app }), ...change, app, changedAt: now.toISOString(), version: (current?.version ?? 0) + 1 };
    if (await imports.save(next)) return next;
  }
  throw new OperationError('conflict', `The import state of "${app}" kept changing; try again`);
}
