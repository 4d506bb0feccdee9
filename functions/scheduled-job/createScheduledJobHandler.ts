import type { ScheduledWork } from '../../lib/application/Application.js';
import type { ScheduledTaskName } from '../../lib/application/scheduled/recurringSchedules.js';
import type { ScheduledJob } from '../../lib/ports/Scheduler.js';

/** What EventBridge sends: a one-time job, or a recurring task by name (lib/application/scheduled/recurringSchedules.ts). */
export type ScheduledInvocation = { readonly job: ScheduledJob } | { readonly task: ScheduledTaskName };

export type ScheduledJobHandler = (event: ScheduledInvocation) => Promise<{ readonly ran: string }>;

/** The scheduled-job entry point: hands a due job or a recurring task to the application. */
export function createScheduledJobHandler(scheduled: ScheduledWork): ScheduledJobHandler {
  return async (event) => ({ ran: 'job' in event ? await scheduled.runJob(event.job) : await scheduled.runTask(event.task) });
}
