import type { PendingOutbox } from '../domain/DirectoryRecords.js';
import type { LifecyclePipeline } from '../lifecycle/LifecyclePipeline.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import { outboxParts } from './outboxParts.js';

/** Membership rows written at once within a part: each is its own conditional put. */
const ROW_WRITES_AT_ONCE = 16;

/**
 * Delivers a directory write's outbox: projects membership rows, runs its lifecycle events through
 * the lifecycle pipeline (ledger, then planner), then clears the outbox. A large outbox is
 * delivered part by part (outboxParts), each part's completion recorded, so a delivery cut short
 * resumes where it stopped. Every step is idempotent, and membership rows are versioned, so
 * delivering the same outbox twice, or an older one after a newer one (a request racing crash
 * recovery), records everything once and leaves the rows as the newest write says. If a stage
 * fails the outbox stays pending and recovery delivers it again.
 */
export class OutboxRelay {
  public constructor(
    private readonly store: DirectoryStore,
    private readonly pipeline: Pick<LifecyclePipeline, 'run'>,
  ) {}

  /**
   * Delivers the outbox, or as much of it as `inTime` allows: it is asked before each part after
   * the first (so every call makes progress), and when it says no, the rest stays pending for the
   * next delivery. Returns whether the outbox was delivered in full.
   */
  public async deliver({ key, outbox, deliveredParts = 0 }: PendingOutbox, inTime: () => boolean = () => true): Promise<boolean> {
    const parts = outboxParts(outbox);
    for (let index = deliveredParts; index < parts.length; index++) {
      if (index > deliveredParts && !inTime()) return false;
      const part = parts[index] as (typeof parts)[number];
      for (let start = 0; start < part.memberships.length; start += ROW_WRITES_AT_ONCE) {
        await Promise.all(part.memberships.slice(start, start + ROW_WRITES_AT_ONCE).map((change) => this.store.applyMembership(change)));
      }
      const last = index === parts.length - 1;
      // The group's own events after its members', as for an outbox of one part.
      const related = last && outbox.auditEvents ? { related: outbox.auditEvents } : {};
      await this.pipeline.run(part.events, { recordedSince: outbox.createdAt, ...related });
      if (!last) await this.store.recordOutboxProgress(key, outbox.id, index + 1);
    }
    await this.store.completeOutbox(key, outbox);
    return true;
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
