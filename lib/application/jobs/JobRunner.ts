import { randomUUID } from 'node:crypto';
import type { Job } from '../../domain/Job.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { JobStore } from '../../ports/JobStore.js';
import type { Scheduler } from '../../ports/Scheduler.js';
import { OperationError } from '../OperationError.js';
import type { JobDefinition } from './JobDefinition.js';

export interface JobRunnerDependencies {
  readonly jobs: JobStore;
  /** Continuations are one-time jobs on the scheduler: the scheduled-job function in AWS (15 minutes), the local tick locally. */
  readonly scheduler: Pick<Scheduler, 'schedule'>;
  readonly ledger: Pick<Ledger, 'append'>;
  readonly now?: () => Date;
}

export interface JobRun<D> {
  readonly job: Job;
  /** The finished slice's detail, when this call finished the job. */
  readonly detail?: D;
}

/** A slot's lease outlives a running slice by this much, so a crashed job frees its scope soon after. */
const LEASE_MARGIN_MS = 5 * 60_000;

/**
 * Runs long operations as background jobs: the caller's own time budget first (an API request
 * answers with the result when it fits), then continuation across invocations through the
 * scheduler, each with a fresh budget, until done. At most one job of a kind per scope runs at a
 * time; starting another returns the running one. Every finished job is recorded in the ledger.
 */
export class JobRunner {
  private readonly now: () => Date;
  // Each definition has its own input, progress and result shapes; the runner only passes them through.
  private readonly definitions = new Map<string, JobDefinition<any, any, any, any>>();

  // Each definition has its own input, progress and result shapes; the runner only passes them through.
  public constructor(private readonly deps: JobRunnerDependencies, definitions: readonly JobDefinition<any, any, any, any>[]) {
    this.now = deps.now ?? (() => new Date());
    for (const definition of definitions) this.definitions.set(definition.kind, definition);
  }

  /** Starts a job and runs it within `budgetMs`; returns it finished, continuing, or the one already running in its scope. */
  public async start<I, P, R, D>(
    definition: JobDefinition<I, P, R, D>,
    input: I,
    requestedBy: string,
    budgetMs: number,
    /** Written once the job holds its slot, before its first slice (e.g. a large request's rows). */
    parts: Readonly<Record<string, unknown>> = {},
  ): Promise<JobRun<D> & { readonly started: boolean }> {
    const at = this.now().toISOString();
    const job: Job = { id: randomUUID(), kind: definition.kind, scope: definition.scopeOf(input), status: 'running', requestedBy, createdAt: at, updatedAt: at, version: 1, input, slices: 0 };
    const claim = await this.deps.jobs.claim(job, this.leaseUntil(budgetMs));
    if (!claim.claimed) return { job: claim.holder, started: false };
    for (const [name, value] of Object.entries(parts)) await this.deps.jobs.putPart(job.id, name, value);
    return { ...(await this.slice(definition, job, budgetMs)), started: true };
  }

  /** Runs the next slice of a job a scheduler continuation names; a finished or unknown job is left alone. */
  public async resume(jobId: string, budgetMs: number): Promise<Job | undefined> {
    const job = await this.deps.jobs.get(jobId);
    if (!job || job.status !== 'running') return job;
    const definition = this.definitions.get(job.kind);
    if (!definition) throw new Error(`No job kind ${job.kind}`);
    return (await this.slice(definition, job, budgetMs)).job;
  }

  public get(jobId: string): Promise<Job | undefined> {
    return this.deps.jobs.get(jobId);
  }

  /** A part of a job's result (e.g. a page of a large preview). */
  public part(jobId: string, name: string): Promise<unknown> {
    return this.deps.jobs.getPart(jobId, name);
  }

  private async slice<I, P, R, D>(definition: JobDefinition<I, P, R, D>, job: Job, budgetMs: number): Promise<JobRun<D>> {
    const deadline = this.now().getTime() + budgetMs;
    let outcome: Awaited<ReturnType<typeof definition.run>>;
    try {
      outcome = await definition.run(job.input as I, job.progress as P | undefined, deadline, {
        jobId: job.id,
        putPart: (name, value) => this.deps.jobs.putPart(job.id, name, value),
        getPart: (name) => this.deps.jobs.getPart(job.id, name),
      });
    } catch (error) {
      // A refusal is the requester's to read; anything else is ours, and says nothing more.
      const failed = await this.save(job, { status: 'failed', error: error instanceof OperationError ? error.message : 'internal error' }, budgetMs);
      await this.record(failed);
      throw error;
    }
    if (outcome.done) {
      const finished = await this.save(job, { status: 'succeeded', result: outcome.result }, budgetMs);
      await this.record(finished);
      return { job: finished, ...(outcome.detail !== undefined ? { detail: outcome.detail } : {}) };
    }
    const continuing = await this.save(job, { progress: outcome.progress }, budgetMs);
    await this.deps.scheduler.schedule({ id: `job-${job.id}-${continuing.slices}`, runAt: this.now().toISOString(), work: { kind: 'job', jobId: job.id } });
    return { job: continuing };
  }

  private async save(job: Job, change: Partial<Pick<Job, 'status' | 'progress' | 'result' | 'error'>>, budgetMs: number): Promise<Job> {
    const next: Job = { ...job, ...change, version: job.version + 1, slices: job.slices + 1, updatedAt: this.now().toISOString() };
    if (!(await this.deps.jobs.save(next, this.leaseUntil(budgetMs)))) {
      throw new OperationError('conflict', `Job ${job.id} was advanced by another run; its next slice continues it`);
    }
    return next;
  }

  private async record(job: Job): Promise<void> {
    await this.deps.ledger.append({
      eventId: `job:${job.id}`,
      chain: `job#${job.kind}`,
      type: `job.${job.status}`,
      occurredAt: job.updatedAt,
      source: { channel: 'system', actor: job.requestedBy, requestId: job.id, operation: job.kind },
      outcome: job.status === 'succeeded' ? 'recorded' : 'failed',
      detail: { jobId: job.id, scope: job.scope, slices: job.slices, ...(job.result !== undefined ? { result: job.result } : {}), ...(job.error ? { error: job.error } : {}) },
    });
  }

  private leaseUntil(budgetMs: number): string {
    return new Date(this.now().getTime() + budgetMs + LEASE_MARGIN_MS).toISOString();
  }
}
