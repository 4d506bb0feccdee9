import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecurringSchedule } from '../../../lib/application/scheduled/recurringSchedules.js';
import type { ScheduledTaskName } from '../../../lib/application/scheduled/recurringSchedules.js';
import { silentLogger } from '../../../lib/observability/createJsonLogger.js';
import { startLocalSchedules } from '../../../local/startLocalSchedules.js';

const schedules: RecurringSchedule[] = [
  { task: 'recover', description: 'recover', local: { everyMs: 5_000, enabled: true } },
  { task: 'reconcile', description: 'reconcile', local: { everyMs: 60_000, enabled: false } },
  { task: 'checkpoint', description: 'checkpoint', aws: { target: 'scheduled-job', everyMs: 1, enabled: true, flexibleWindowMinutes: 0, retryAttempts: 0, maxEventAgeMinutes: 1 } },
];

describe('local schedules', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs each locally enabled task at its interval, and nothing once stopped', async () => {
    // Prepare
    const ran: ScheduledTaskName[] = [];
    const stop = startLocalSchedules(schedules, { runTask: async (task) => (ran.push(task), task), runJob: async () => 'job' }, silentLogger);

    // Act
    await vi.advanceTimersByTimeAsync(15_000);
    stop();
    await vi.advanceTimersByTimeAsync(60_000);

    // Assess: recover three times; reconcile disabled; checkpoint has no local schedule
    expect(ran).toEqual(['recover', 'recover', 'recover']);
  });

  it('keeps running after a task fails', async () => {
    // Prepare
    let calls = 0;
    const stop = startLocalSchedules(
      schedules,
      {
        runTask: async () => {
          calls++;
          throw new Error('store unavailable');
        },
        runJob: async () => 'job',
      },
      silentLogger,
    );

    // Act
    await vi.advanceTimersByTimeAsync(10_000);
    stop();

    // Assess
    expect(calls).toBe(2);
  });
});
