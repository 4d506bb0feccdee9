/** What one budget of a job's work came to: finished (its result), or where to carry on. */
export type JobSlice<P, R, D> =
  | { readonly done: true; readonly result: R; /** For the caller of this slice only; not stored. */ readonly detail?: D }
  | { readonly done: false; readonly progress: P };

/** What a running job may keep beside itself: named parts too large for the job (see JobStore). */
export interface JobContext {
  readonly jobId: string;
  putPart(name: string, value: unknown): Promise<void>;
  getPart(name: string): Promise<unknown>;
}

/**
 * A kind of long operation the application can run as a background job. `run` works until it is
 * done or `deadline` (epoch ms) has passed, then says where to carry on; it must be safe to run
 * again from a saved `progress` after a crash (the slice that crashed is simply redone).
 */
export interface JobDefinition<I, P, R, D = never> {
  readonly kind: string;
  /** At most one job of this kind runs per scope at a time. */
  scopeOf(input: I): string;
  run(input: I, progress: P | undefined, deadline: number, context: JobContext): Promise<JobSlice<P, R, D>>;
}
