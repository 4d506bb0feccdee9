import type { ScheduledJob, Scheduler } from '../../lib/ports/Scheduler.js';
import { byKey, copy } from './storeSemantics.js';

/** The Scheduler contract in memory (test/contract/schedulerContract.ts): one job per id. */
export class InMemoryScheduler implements Scheduler {
  private readonly jobs = new Map<string, ScheduledJob>();

  public async schedule(job: ScheduledJob): Promise<void> {
    this.jobs.set(job.id, copy(job));
  }

  public async cancel(jobId: string): Promise<void> {
    this.jobs.delete(jobId);
  }

  public async get(jobId: string): Promise<ScheduledJob | undefined> {
    return copy(this.jobs.get(jobId));
  }

  /** The jobs due at `now`, earliest first (what the local scheduler's tick would run). */
  public due(now: Date): ScheduledJob[] {
    return [...this.jobs.values()]
      .filter((job) => Date.parse(job.runAt) <= now.getTime())
      .sort((a, b) => byKey(a.runAt, b.runAt))
      .map((job) => copy(job));
  }
}
