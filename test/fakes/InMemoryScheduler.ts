import type { ScheduledJob, ScheduledJobPage, Scheduler } from '../../lib/ports/Scheduler.js';
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

  /** In id order; the cursor is the last id of the page, encoded. */
  public async list(page: { readonly limit: number; readonly cursor?: string }): Promise<ScheduledJobPage> {
    const after = page.cursor === undefined ? undefined : Buffer.from(page.cursor, 'base64url').toString('utf8');
    const pending = [...this.jobs.values()].filter((job) => after === undefined || byKey(job.id, after) > 0).sort((a, b) => byKey(a.id, b.id));
    const jobs = pending.slice(0, page.limit).map((job) => copy(job));
    const last = jobs.at(-1);
    return pending.length > page.limit && last ? { jobs, nextCursor: Buffer.from(last.id, 'utf8').toString('base64url') } : { jobs };
  }

  /** The jobs due at `now`, earliest first (what the local scheduler's tick would run). */
  public due(now: Date): ScheduledJob[] {
    return [...this.jobs.values()]
      .filter((job) => Date.parse(job.runAt) <= now.getTime())
      .sort((a, b) => byKey(a.runAt, b.runAt))
      .map((job) => copy(job));
  }
}
