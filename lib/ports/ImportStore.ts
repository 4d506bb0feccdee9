import type { ConnectorImport } from '../domain/ConnectorImport.js';

/**
 * Each connector's import state (see ConnectorImport). A connector with no state was never
 * onboarded: it is treated as active, as connectors were before imports existed.
 */
export interface ImportStore {
  get(app: string): Promise<ConnectorImport | undefined>;
  /** Every connector's state, in app order. */
  list(): Promise<ConnectorImport[]>;
  /** Saves `next` if the stored version is still `next.version - 1` (or none is stored, for version 1). False when another save won. */
  save(next: ConnectorImport): Promise<boolean>;
}
