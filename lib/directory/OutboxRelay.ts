import type { Ledger } from '../ledger/Ledger.js';
import { lifecycleToLedgerDraft } from '../ledger/lifecycleToLedgerDraft.js';
import type { LifecycleEvent } from '../domain/LifecycleEvent.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import type { PendingOutbox } from '../domain/DirectoryRecords.js';

/** Called with each lifecycle event once it is in the ledger (the planner subscribes here). */
export type LifecycleListener = (event: LifecycleEvent) => Promise<void> | void;

/**
 * Delivers a directory write's outbox: projects membership rows, appends the lifecycle events to
 * the ledger, then clears the outbox. Every step is idempotent, so delivering the same outbox
 * twice (a request racing crash recovery) records everything once.
 */
export class OutboxRelay {
  private readonly listeners: LifecycleListener[] = [];

  public constructor(
    private readonly store: DirectoryStore,
    private readonly ledger: Ledger,
  ) {}

  public onLifecycleEvent(listener: LifecycleListener): void {
    this.listeners.push(listener);
  }

  public async deliver({ key, outbox }: PendingOutbox): Promise<void> {
    for (const change of outbox.memberships) await this.store.applyMembership(change);
    const drafts = [...outbox.events.map(lifecycleToLedgerDraft), ...(outbox.auditEvents ?? [])];
    for (const draft of drafts) await this.ledger.append(draft, { dedupeSince: outbox.createdAt });
    // Listeners (the planner) run before the outbox is cleared: if one fails, the outbox stays
    // pending and recovery delivers it again; listeners are idempotent per event id.
    for (const event of outbox.events) for (const listener of this.listeners) await listener(event);
    await this.store.completeOutbox(key, outbox);
  }

  /**
   * Delivers what a crash left pending, up to `batchSize` outboxes, oldest first; returns how many
   * it delivered. Run it at start-up and on a schedule.
   */
  public async recover(batchSize = 100): Promise<number> {
    let delivered = 0;
    for (const entry of await this.store.listPendingOutboxes(batchSize)) {
      // The index may lag; re-read the item so an outbox completed meanwhile is not redone.
      const current = await this.store.pendingOutbox(entry.key);
      if (current) {
        await this.deliver(current);
        delivered++;
      }
    }
    return delivered;
  }
}
