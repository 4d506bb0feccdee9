import { recurringSchedules } from '../../lib/application/scheduled/recurringSchedules.js';
import type { PerimeterConfig } from '../../lib/config/perimeterConfigSchema.js';
import type { RecurringSchedule } from './RecurringSchedules.js';

/**
 * The recurring schedules this deployment runs on EventBridge Scheduler, by the function they
 * invoke, read from the one table the application declares (local mode's timers read it too).
 */
export function awsRecurringSchedules(config: PerimeterConfig): Record<'scheduled-job' | 'retention', RecurringSchedule[]> {
  const byTarget: Record<'scheduled-job' | 'retention', RecurringSchedule[]> = { 'scheduled-job': [], retention: [] };
  for (const { task, description, aws } of recurringSchedules(config)) {
    if (!aws) continue;
    byTarget[aws.target].push({
      task,
      description,
      rateMinutes: aws.everyMs / 60_000,
      enabled: aws.enabled,
      flexibleWindowMinutes: aws.flexibleWindowMinutes,
      retryAttempts: aws.retryAttempts,
      maxEventAgeMinutes: aws.maxEventAgeMinutes,
    });
  }
  return byTarget;
}
