import type { Job } from '../../lib/domain/Job.js';
import type { JobStore } from '../../lib/ports/JobStore.js';

/** The JobStore contract in memory. */
export class InMemoryJobStore implements JobStore {
  public readonly jobs = new Map<string, Job>();
  public readonly slots = new Map<string, { jobId: string; leaseUntil: string }>();
  public readonly parts = new Map<string, string>();

  public async claim(job: Job, leaseUntil: string): Promise<{ readonly claimed: true } | { readonly claimed: false; readonly holder: Job }> {
    const key = `${job.kind}#${job.scope}`;
    const slot = this.slots.get(key);
    const holder = slot ? this.jobs.get(slot.jobId) : undefined;
    if (slot && holder?.status === 'running' && slot.leaseUntil > job.createdAt) return { claimed: false, holder: structuredClone(holder) };
    this.slots.set(key, { jobId: job.id, leaseUntil });
    this.jobs.set(job.id, structuredClone(job));
    return { claimed: true };
  }

  public async get(id: string): Promise<Job | undefined> {
    const job = this.jobs.get(id);
    return job ? structuredClone(job) : undefined;
  }

  public async save(next: Job, leaseUntil: string): Promise<boolean> {
    if (this.jobs.get(next.id)?.version !== next.version - 1) return false;
    this.jobs.set(next.id, structuredClone(next));
    const key = `${next.kind}#${next.scope}`;
    if (this.slots.get(key)?.jobId === next.id) {
      if (next.status === 'running') this.slots.set(key, { jobId: next.id, leaseUntil });
      else this.slots.delete(key);
    }
    return true;
  }

  public async putPart(jobId: string, name: string, value: unknown): Promise<void> {
    this.parts.set(`${jobId}#${name}`, JSON.stringify(value));
  }

  public async getPart(jobId: string, name: string): Promise<unknown> {
    const part = this.parts.get(`${jobId}#${name}`);
    return part === undefined ? undefined : JSON.parse(part);
  }
}
