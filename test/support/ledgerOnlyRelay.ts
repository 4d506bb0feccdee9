import { OutboxRelay } from '../../lib/directory/OutboxRelay.js';
import type { Ledger } from '../../lib/ledger/Ledger.js';
import { LifecyclePipeline } from '../../lib/lifecycle/LifecyclePipeline.js';
import type { DirectoryStore } from '../../lib/ports/DirectoryStore.js';

/** An outbox relay whose pipeline records in the ledger and plans nothing (no apps), for directory tests. */
export function ledgerOnlyRelay(store: DirectoryStore, ledger: Ledger): OutboxRelay {
  return new OutboxRelay(store, new LifecyclePipeline({ ledger, planner: { planEvent: async () => undefined } }));
}
