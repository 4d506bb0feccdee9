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
    const append = (draft: LedgerEventDraft): Promise<unknown> => this.deps.ledger.append(draft, { dedupeSince: options.recordedSince });
    // A group write's outbox holds an event for each of thousands of people: each person's events
    // keep their order, different people's chains are written side by side.
    await perSubject(events.map(lifecycleToLedgerDraft), (draft) => draft.chain, append);
    for (const draft of options.related ?? []) await append(draft);
    await perSubject(events, (event) => event.personId, (event) => this.deps.planner.planEvent(event));
  }
}

/** How many subjects (people, chains) are worked on at once. */
const SUBJECTS_AT_ONCE = 16;

/** Runs `task` over items in order per subject, and over up to SUBJECTS_AT_ONCE subjects at once. */
async function perSubject<T>(items: readonly T[], subject: (item: T) => string, task: (item: T) => Promise<unknown>): Promise<void> {
  const bySubject = new Map<string, T[]>();
  for (const item of items) {
    const queue = bySubject.get(subject(item));
    if (queue) queue.push(item);
    else bySubject.set(subject(item), [item]);
  }
  const queues = [...bySubject.values()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queues.length) {
      for (const item of queues[next++] ?? []) await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SUBJECTS_AT_ONCE, queues.length) }, worker));
}
