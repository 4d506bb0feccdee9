import type { PerimeterConfig } from '../../lib/config/perimeterConfigSchema.js';
import type { RecurringSchedule } from './RecurringSchedules.js';

const DAY_MINUTES = 24 * 60;

/**
 * What RecurringSchedules deploys: crash recovery every 5 minutes, reconciliation at the config's
 * interval (daily by default) and a daily ledger checkpoint.
 */
export function recurringSchedulesFromConfig(config: PerimeterConfig): RecurringSchedule[] {
  const { intervalMinutes } = config.reconciliation;
  return [
    {
      task: 'recover',
      description: 'Perimeter: deliver lifecycle events and plans an interrupted request left pending',
      rateMinutes: 5,
      enabled: true,
      flexibleWindowMinutes: 0,
      // The next run in 5 minutes is the retry.
      retryAttempts: 0,
      maxEventAgeMinutes: 5,
    },
    {
      task: 'reconcile',
      description: 'Perimeter: compare every app with the directory (orphans, drift)',
      // 0 turns reconciliation off (as in local mode); the schedule stays, disabled.
      rateMinutes: intervalMinutes > 0 ? intervalMinutes : DAY_MINUTES,
      enabled: intervalMinutes > 0,
      // Nothing depends on the exact minute of an hourly or rarer run: let Scheduler spread the load.
      flexibleWindowMinutes: intervalMinutes >= 60 ? 15 : 0,
      retryAttempts: 2,
      maxEventAgeMinutes: 60,
    },
    {
      task: 'checkpoint',
      description: 'Perimeter: verify the ledger and seal every chain head in a checkpoint',
      rateMinutes: DAY_MINUTES,
      enabled: true,
      flexibleWindowMinutes: 60,
      retryAttempts: 2,
      maxEventAgeMinutes: 6 * 60,
    },
  ];
}
