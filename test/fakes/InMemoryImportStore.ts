import type { ConnectorImport } from '../../lib/domain/ConnectorImport.js';
import type { ImportStore } from '../../lib/ports/ImportStore.js';
import { copy } from './storeSemantics.js';

/** The ImportStore contract in memory (test/contract/importStoreContract.ts): saves conditional on the version. */
export class InMemoryImportStore implements ImportStore {
  private readonly states = new Map<string, ConnectorImport>();

  public async get(app: string): Promise<ConnectorImport | undefined> {
    return copy(this.states.get(app));
  }

  public async save(next: ConnectorImport): Promise<boolean> {
    const stored = this.states.get(next.app);
    if ((stored?.version ?? 0) !== next.version - 1) return false;
    this.states.set(next.app, copy(next));
    return true;
  }
}
