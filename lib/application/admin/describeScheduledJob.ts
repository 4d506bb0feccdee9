import type { ScheduledJob } from '../../ports/Scheduler.js';

/** A pending job as an operator reads it: what it is, when it runs, whom it is about, what it will do. */
export interface ScheduledJobView {
  readonly id: string;
  readonly kind: ScheduledJob['work']['kind'];
  readonly runAt: string;
  readonly personId?: string;
  readonly app?: string;
  /** One line: what running the job will do. */
  readonly does: string;
}

/** The person a job is about: a step names its person; an HR event, the person it was matched to when scheduled. */
export function personOfScheduledJob(job: ScheduledJob): string | undefined {
  return job.personId ?? (job.work.kind === 'step' ? job.work.step.personId : undefined);
}

export function describeScheduledJob(job: ScheduledJob): ScheduledJobView {
  const personId = personOfScheduledJob(job);
  const base = { id: job.id, kind: job.work.kind, runAt: job.runAt, ...(personId !== undefined ? { personId } : {}) };
  const { work } = job;
  switch (work.kind) {
    case 'step':
      return { ...base, app: work.step.app, does: `${work.step.action} in ${work.step.app} (${work.step.reason})` };
    case 'hr-event':
      return { ...base, does: `apply the ${work.event.source} ${work.event.kind} of employee ${work.event.employeeId}${work.event.kind === 'terminate' ? ': the person becomes inactive and the leaver plan runs' : ''}` };
    case 'job':
      return { ...base, does: `continue background job ${work.jobId}` };
  }
}
