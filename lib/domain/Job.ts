/** A long operation run as a background job: what it is, where it stands, what it found. */
export type JobStatus = 'running' | 'succeeded' | 'failed';

export interface Job {
  readonly id: string;
  /** What runs, e.g. "reconcile". */
  readonly kind: string;
  /** What it runs on, e.g. an app id or "all"; at most one job of a kind runs per scope at a time. */
  readonly scope: string;
  readonly status: JobStatus;
  /** Who asked (an admin token's label, "schedule"). */
  readonly requestedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Incremented by every save; saves are conditional on it. */
  readonly version: number;
  /** The request, as the job's kind parsed it. */
  readonly input: unknown;
  /** Where a job whose time budget ran out carries on from (kind-specific, small). */
  readonly progress?: unknown;
  /** Budgets spent so far: 1 for a job finished within the request that started it. */
  readonly slices: number;
  readonly result?: unknown;
  /** Why it failed (a refusal's message, or "internal error"; never a stack or a secret). */
  readonly error?: string;
}
