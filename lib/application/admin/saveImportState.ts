import type { ConnectorImport } from '../../domain/ConnectorImport.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import { OperationError } from '../OperationError.js';

const ATTEMPTS = 5;

/**
 * Sets `change` on an app's import state and saves it, reading again when another writer (a
 * second import, an approval, the import-mode probe) saved first, so neither undoes the other.
 * With `when`, saves only while the state read passes it (undefined when it did not), so a change
 * two processes decide at once is made once.
 */
export async function saveImportState(
  imports: ImportStore,
  app: string,
  now: Date,
  change: Partial<Pick<ConnectorImport, 'mode' | 'report' | 'approval'>>,
  when?: (current: ConnectorImport | undefined) => boolean,
): Promise<ConnectorImport | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await imports.get(app);
    if (when && !when(current)) return undefined;
    const next: ConnectorImport = { ...(current ?? { app }), ...change, app, changedAt: now.toISOString(), version: (current?.version ?? 0) + 1 };
    if (await imports.save(next)) return next;
  }
  throw new OperationError('conflict', `The import state of "${app}" kept changing; try again`);
}
