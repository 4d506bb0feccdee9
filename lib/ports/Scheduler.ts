import type { PlanStep } from '../domain/PlanStep.js';
import type { HrEvent } from '../domain/HrEvent.js';

export type ScheduledWork =
  /** A step that must wait (deletion after a grace period): queued when due. */
  | { readonly kind: 'step'; readonly step: PlanStep }
  /** An HR change with a future effective date (a termination on the last day). */
  | { readonly kind: 'hr-event'; readonly event: HrEvent }
  /** The next slice of a background job whose time budget ran out. */
  | { readonly kind: 'job'; readonly jobId: string };

export interface ScheduledJob {
  /** Deterministic, so a job can be replaced or cancelled by name (e.g. a rehire cancels a leaver). */
  readonly id: string;
  readonly runAt: string;
  readonly work: ScheduledWork;
  /**
   * Whom the job is about, when it is about a person the directory knows (a termination matched to
   * a person when it was scheduled), so listing pending jobs can name them without a directory read.
   */
  readonly personId?: string;
}

/** One page of pending jobs; `nextCursor` is absent on the last. */
export interface ScheduledJobPage {
  readonly jobs: readonly ScheduledJob[];
  /** Opaque: give it back to read the next page. */
  readonly nextCursor?: string;
}

/** One-time jobs: EventBridge Scheduler in AWS, the local scheduler tick in local mode. */
export interface Scheduler {
  /** Creates or replaces the job with this id. */
  schedule(job: ScheduledJob): Promise<void>;
  /** Removes the job; cancelling a job that does not exist is not an error. */
  cancel(jobId: string): Promise<void>;
  get(jobId: string): Promise<ScheduledJob | undefined>;
  /**
   * The pending jobs (scheduled, not yet run or cancelled), at most `limit` (1-100) a page; paging
   * to the end yields each job once. The order is the adapter's.
   */
  list(page: { readonly limit: number; readonly cursor?: string }): Promise<ScheduledJobPage>;
}
