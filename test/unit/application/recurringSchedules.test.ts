import { describe, expect, it } from 'vitest';
import { recurringSchedules, SCHEDULED_TASKS } from '../../../lib/application/scheduled/recurringSchedules.js';
import { parsePerimeterConfig } from '../../../lib/config/loadPerimeterConfig.js';

const config = (extra: Record<string, unknown> = {}) => parsePerimeterConfig({ ...extra }, 'test');
const byTask = (schedules: ReturnType<typeof recurringSchedules>) => new Map(schedules.map((s) => [s.task, s]));

describe('recurring schedules', () => {
  it('declares every scheduled task once', () => {
    expect(recurringSchedules(config()).map((s) => s.task).sort()).toEqual([...SCHEDULED_TASKS].sort());
  });

  it('recovers every 5 minutes in AWS and every few seconds locally', () => {
    const recover = byTask(recurringSchedules(config(), { localRecoveryMs: 2_000 })).get('recover');
    expect(recover?.aws).toMatchObject({ target: 'scheduled-job', everyMs: 300_000, enabled: true, retryAttempts: 0 });
    expect(recover?.local).toEqual({ everyMs: 2_000, enabled: true });
  });

  it('turns reconciliation off with interval 0 (the AWS schedule stays, disabled at the daily default)', () => {
    const reconcile = byTask(recurringSchedules(config({ reconciliation: { intervalMinutes: 0 } }))).get('reconcile');
    expect(reconcile?.aws).toMatchObject({ enabled: false, everyMs: 86_400_000 });
    expect(reconcile?.local?.enabled).toBe(false);
  });

  it('reconciles locally only when an app is connected, and lets Scheduler spread hourly or rarer runs', () => {
    const none = byTask(recurringSchedules(config({ reconciliation: { intervalMinutes: 60 } }))).get('reconcile');
    const some = byTask(
      recurringSchedules(config({ reconciliation: { intervalMinutes: 30 }, connectors: [{ id: 'chat', type: 'scim', settings: { baseUrl: 'https://scim.example.com' } }] })),
    ).get('reconcile');
    expect(none?.local?.enabled).toBe(false);
    expect(none?.aws).toMatchObject({ enabled: true, everyMs: 3_600_000, flexibleWindowMinutes: 15 });
    expect(some?.local).toEqual({ everyMs: 1_800_000, enabled: true });
    expect(some?.aws?.flexibleWindowMinutes).toBe(0);
  });

  it('seals daily; with a retention policy retention seals locally and runs on its own function in AWS', () => {
    const without = byTask(recurringSchedules(config()));
    const withRetention = byTask(recurringSchedules(config({ retention: { keepDays: 365 } })));
    expect(without.get('checkpoint')?.local?.enabled).toBe(true);
    expect(without.get('retain')?.aws?.enabled).toBe(false);
    expect(withRetention.get('checkpoint')?.local?.enabled).toBe(false);
    expect(withRetention.get('checkpoint')?.aws?.enabled).toBe(true);
    expect(withRetention.get('retain')?.aws).toMatchObject({ target: 'retention', enabled: true });
    expect(withRetention.get('retain')?.local?.enabled).toBe(true);
  });

  it('rotates on a local tick only (Secrets Manager schedules rotation in AWS)', () => {
    const rotate = byTask(recurringSchedules(config())).get('rotate');
    expect(rotate?.aws).toBeUndefined();
    expect(rotate?.local).toEqual({ everyMs: 60_000, enabled: false });
  });
});
