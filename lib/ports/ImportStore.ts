import type { ConnectorImport } from '../domain/ConnectorImport.js';

/** Each app's import state (see ConnectorImport): its last report and approval; none before its first import. */
export interface ImportStore {
  get(app: string): Promise<ConnectorImport | undefined>;
  /** Saves `next` if the stored version is still `next.version - 1` (or none is stored, for version 1). False when another save won. */
  save(next: ConnectorImport): Promise<boolean>;
}
