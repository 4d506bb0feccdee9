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
}

/** One-time jobs: EventBridge Scheduler in AWS, the local scheduler tick in local mode. */
export interface Scheduler {
  /** Creates or replaces the job with this id. */
  schedule(job: ScheduledJob): Promise<void>;
  /** Removes the job; cancelling a job that does not exist is not an error. */
  cancel(jobId: string): Promise<void>;
  get(jobId: string): Promise<ScheduledJob | undefined>;
}
