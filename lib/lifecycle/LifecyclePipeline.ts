import type { LedgerEventDraft } from '../domain/LedgerEvent.js';
import type { LifecycleEvent } from '../domain/LifecycleEvent.js';
import type { Ledger } from '../ledger/Ledger.js';
import { lifecycleToLedgerDraft } from '../ledger/lifecycleToLedgerDraft.js';

/** The planner as the pipeline sees it: one lifecycle event in, its steps planned and queued. */
export interface LifecyclePlanner {
  planEvent(event: LifecycleEvent): Promise<unknown>;
}

export interface LifecyclePipelineDependencies {
  readonly ledger: Ledger;
  readonly planner: LifecyclePlanner;
}

/**
 * The one path every recorded lifecycle event takes, whichever channel (SCIM, HR, schedule) wrote
 * it: into the ledger first, so the evidence exists before anything changes in an app, then to the
 * planner. Both stages are idempotent per event id (the ledger de-duplicates, the planner remembers
 * planned events), so running the pipeline again for the same events — a request racing crash
 * recovery — records and plans each of them once.
 */
export class LifecyclePipeline {
  public constructor(private readonly deps: LifecyclePipelineDependencies) {}

  /**
   * `related` are the ledger events about other subjects that the same write produced (a group
   * created, renamed, deleted); they are recorded with the lifecycle events, before planning.
   */
  public async run(events: readonly LifecycleEvent[], options: { recordedSince: string; related?: readonly LedgerEventDraft[] }): Promise<void> {
    const drafts = [...events.map(lifecycleToLedgerDraft), ...(options.related ?? [])];
    for (const draft of drafts) await this.deps.ledger.append(draft, { dedupeSince: options.recordedSince });
    for (const event of events) await this.deps.planner.planEvent(event);
  }
}
