import type { ScheduledWork } from '../lib/application/Application.js';
import type { RecurringSchedule } from '../lib/application/scheduled/recurringSchedules.js';
import type { Logger } from '../lib/observability/Logger.js';

/**
 * Local mode's side of the recurring schedules: one timer per schedule the table enables locally
 * (the CDK stack turns the same table into EventBridge Scheduler schedules). Returns a stop function.
 */
export function startLocalSchedules(schedules: readonly RecurringSchedule[], scheduled: ScheduledWork, logger: Logger): () => void {
  const timers = schedules
    .filter((schedule) => schedule.local?.enabled)
    .map((schedule) => {
      const timer = setInterval(() => {
        scheduled.runTask(schedule.task).catch((error: unknown) => logger.error('Scheduled task failed', { task: schedule.task, error }));
      }, schedule.local?.everyMs);
      timer.unref();
      return timer;
    });
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
