import type { PerimeterConfig } from '../../config/perimeterConfigSchema.js';

/** Every task the scheduled-job entry point runs by name (EventBridge sends `{ "task": name }`). */
export const SCHEDULED_TASKS = ['recover', 'reconcile', 'checkpoint', 'retain', 'rotate'] as const;
export type ScheduledTaskName = (typeof SCHEDULED_TASKS)[number];

/** How one runtime runs a recurring task; absent where that runtime has its own mechanism. */
export interface ScheduleRun {
  /** How often; AWS rates are whole minutes. */
  readonly everyMs: number;
  readonly enabled: boolean;
}

export interface RecurringSchedule {
  readonly task: ScheduledTaskName;
  readonly description: string;
  /**
   * In AWS (EventBridge Scheduler): its rate, whether Scheduler may move it (minutes of flexible
   * window), how often a failed invocation is retried and how old an invocation may be. `target`
   * names the function: the retention job has its own, as it alone may delete ledger events.
   */
  readonly aws?: ScheduleRun & {
    readonly target: 'scheduled-job' | 'retention';
    readonly flexibleWindowMinutes: number;
    readonly retryAttempts: number;
    readonly maxEventAgeMinutes: number;
  };
  /** In local mode: a timer in the one process. */
  readonly local?: ScheduleRun;
}

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;

/**
 * The recurring schedules, declared once: the CDK stack turns each `aws` entry into an EventBridge
 * Scheduler schedule, local mode each `local` entry into a timer. Both run the same task through the
 * same scheduled-job entry point.
 */
export function recurringSchedules(config: PerimeterConfig, options: { readonly localRecoveryMs?: number } = {}): readonly RecurringSchedule[] {
  const { intervalMinutes } = config.reconciliation;
  const hasConnectors = config.connectors.length > 0;
  const retention = config.retention !== undefined;
  return [
    {
      task: 'recover',
      description: 'Perimeter: deliver lifecycle events and plans an interrupted request left pending',
      // In AWS the next run in 5 minutes is the retry; locally one process is the whole service, so
      // what a crash left pending is picked up within seconds.
      aws: { target: 'scheduled-job', everyMs: 5 * MINUTE, enabled: true, flexibleWindowMinutes: 0, retryAttempts: 0, maxEventAgeMinutes: 5 },
      local: { everyMs: options.localRecoveryMs ?? 5_000, enabled: true },
    },
    {
      task: 'reconcile',
      description: 'Perimeter: compare every app with the directory (orphans, drift)',
      // 0 turns reconciliation off; in AWS the schedule stays, disabled, at the daily default.
      aws: {
        target: 'scheduled-job',
        everyMs: (intervalMinutes > 0 ? intervalMinutes : 1440) * MINUTE,
        enabled: intervalMinutes > 0,
        // Nothing depends on the exact minute of an hourly or rarer run: let Scheduler spread the load.
        flexibleWindowMinutes: intervalMinutes >= 60 ? 15 : 0,
        retryAttempts: 2,
        maxEventAgeMinutes: 60,
      },
      local: { everyMs: intervalMinutes * MINUTE, enabled: intervalMinutes > 0 && hasConnectors },
    },
    {
      task: 'checkpoint',
      description: 'Perimeter: verify the ledger and seal every chain head in a checkpoint',
      aws: { target: 'scheduled-job', everyMs: DAY, enabled: true, flexibleWindowMinutes: 60, retryAttempts: 2, maxEventAgeMinutes: 360 },
      // Locally retention seals (and archives) instead when it is configured.
      local: { everyMs: DAY, enabled: !retention },
    },
    {
      task: 'retain',
      description: 'Perimeter: archive ledger events older than the retention policy to S3, then remove them from the ledger',
      aws: { target: 'retention', everyMs: DAY, enabled: retention, flexibleWindowMinutes: 60, retryAttempts: 2, maxEventAgeMinutes: 360 },
      local: { everyMs: DAY, enabled: retention },
    },
    {
      task: 'rotate',
      description: 'Perimeter: rotate connector credentials whose rotation interval has passed',
      // AWS: Secrets Manager's own rotation schedule per secret (CredentialRotationSchedules).
      local: { everyMs: MINUTE, enabled: config.connectors.some((connector) => connector.rotation !== undefined) },
    },
  ];
}
