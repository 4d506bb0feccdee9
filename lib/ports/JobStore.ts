import type { Job } from '../domain/Job.js';

/**
 * Background jobs and the one-per-scope rule. `claim` takes the (kind, scope) slot for a new job or
 * returns the job already holding it; the slot frees when the job finishes, or when its lease (renewed
 * by every save) lapses after a crash.
 */
export interface JobStore {
  /** Stores `job` and takes its slot until `leaseUntil`, or returns the running job that holds the slot. */
  claim(job: Job, leaseUntil: string): Promise<{ readonly claimed: true } | { readonly claimed: false; readonly holder: Job }>;
  get(id: string): Promise<Job | undefined>;
  /**
   * Saves `next` if the stored version is still `next.version - 1`, renewing the slot's lease while
   * the job runs and freeing the slot once it has finished. False when another save won.
   */
  save(next: Job, leaseUntil: string): Promise<boolean>;
  /**
   * A named part of a job too large to keep on the job itself (a roster, a page of results), each
   * under ~300 KB serialised. Writing a part again replaces it (a slice redone after a crash).
   */
  putPart(jobId: string, name: string, value: unknown): Promise<void>;
  getPart(jobId: string, name: string): Promise<unknown>;
}
