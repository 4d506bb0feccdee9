import type { PendingOutbox } from '../domain/DirectoryRecords.js';
import type { LifecyclePipeline } from '../lifecycle/LifecyclePipeline.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';

/**
 * Delivers a directory write's outbox: projects membership rows, runs its lifecycle events through
 * the lifecycle pipeline (ledger, then planner), then clears the outbox. Every step is idempotent,
 * so delivering the same outbox twice (a request racing crash recovery) records everything once. If
 * a stage fails the outbox stays pending and recovery delivers it again.
 */
export class OutboxRelay {
  public constructor(
    private readonly store: DirectoryStore,
    private readonly pipeline: Pick<LifecyclePipeline, 'run'>,
  ) {}

  public async deliver({ key, outbox }: PendingOutbox): Promise<void> {
    for (const change of outbox.memberships) await this.store.applyMembership(change);
    await this.pipeline.run(outbox.events, { recordedSince: outbox.createdAt, ...(outbox.auditEvents ? { related: outbox.auditEvents } : {}) });
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
