import { describe, expect, it } from 'vitest';
import { runScheduledTask, type ScheduledTaskDependencies } from '../../../lib/application/scheduled/runScheduledTask.js';
import type { ScheduledTaskName } from '../../../lib/application/scheduled/recurringSchedules.js';
import { parsePerimeterConfig } from '../../../lib/config/loadPerimeterConfig.js';
import type { Job } from '../../../lib/domain/Job.js';
import { silentLogger } from '../../../lib/observability/createJsonLogger.js';

/** Stubs that record which capability a task used. */
function dependencies(calls: string[], extra: Partial<ScheduledTaskDependencies> = {}): ScheduledTaskDependencies {
  const record = <T>(name: string, value: T) => async (): Promise<T> => (calls.push(name), value);
  return {
    config: parsePerimeterConfig({}, 'test'),
    directory: { hasMatchIndex: record('hasMatchIndex', true), backfillMatchIndex: record('backfill', { users: 0, collidingUserIds: [] }) },
    relay: { recover: record('relay.recover', 0) },
    planner: { recover: record('planner.recover', 0) },
    reconcile: async () => (calls.push('reconcile job'), { job: { id: 'j1', status: 'succeeded', slices: 1 } as Job, started: true }),
    converge: async ({ dryRun }) => (calls.push(dryRun ? 'converge dry run' : 'converge'), { job: { id: 'j2', status: 'succeeded', slices: 1 } as Job, started: true }),
    convergeOnPolicyChange: async () => (calls.push('policy watch'), { changed: false }),
    settleImportModes: record('import modes', new Map()),
    audit: {} as ScheduledTaskDependencies['audit'],
    checkpoints: {} as ScheduledTaskDependencies['checkpoints'],
    rotation: { isDue: record('isDue', false) },
    rotateSecret: record('rotateSecret', 'requested' as const),
    logger: silentLogger,
    ...extra,
  };
}

describe('scheduled tasks', () => {
  it('recovers outboxes, then plans, once the match index is complete', async () => {
    const calls: string[] = [];
    expect(await runScheduledTask(dependencies(calls), 'recover')).toBe('recover');
    expect(calls).toEqual(['hasMatchIndex', 'relay.recover', 'planner.recover', 'import modes', 'policy watch']);
  });

  it('backfills an incomplete index first and reports colliding users by id only', async () => {
    // Prepare
    const calls: string[] = [];
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (message: string, fields?: unknown) => void warnings.push({ message, fields }) };
    const directory = { hasMatchIndex: async () => false, backfillMatchIndex: async () => (calls.push('backfill'), { users: 3, collidingUserIds: ['u-2'] }) };

    // Act
    await runScheduledTask(dependencies(calls, { directory, logger }), 'recover');

    // Assess
    expect(calls).toEqual(['backfill', 'relay.recover', 'planner.recover', 'import modes', 'policy watch']);
    expect(warnings).toEqual([{ message: "Existing users whose userName equals or looks like an earlier user's", fields: { userIds: ['u-2'] } }]);
  });

  it('reconciles every app, then converges the directory as a dry run unless reconciliation fixes', async () => {
    const calls: string[] = [];
    expect(await runScheduledTask(dependencies(calls), 'reconcile')).toBe('reconcile');
    expect(calls).toEqual(['reconcile job', 'converge dry run']);
    const fixing: string[] = [];
    await runScheduledTask(dependencies(fixing, { config: parsePerimeterConfig({ reconciliation: { fix: true } }, 'test') }), 'reconcile');
    expect(fixing).toEqual(['reconcile job', 'converge']);
  });

  it('does nothing for retention where none is configured', async () => {
    const calls: string[] = [];
    expect(await runScheduledTask(dependencies(calls), 'retain')).toBe('retain (no retention configured)');
    expect(calls).toEqual([]);
  });

  it('refuses a task it does not know instead of running another one', async () => {
    // Before the task table, an unknown task fell through to reconciliation.
    const calls: string[] = [];
    const result = await runScheduledTask(dependencies(calls), 'rebuild' as ScheduledTaskName).catch((error: unknown) => error);
    expect(result).toBeInstanceOf(Error);
    expect(calls).toEqual([]);
  });
});
