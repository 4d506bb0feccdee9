import type { Logger } from '../../lib/observability/Logger.js';
import type { ScheduledJob } from '../../lib/ports/Scheduler.js';
import type { Engine } from '../../lib/wiring/buildEngine.js';

/** What EventBridge sends: a one-time job, or a recurring task by name. */
export type ScheduledInvocation = { readonly job: ScheduledJob } | { readonly task: 'recover' | 'reconcile' };

export type ScheduledJobHandler = (event: ScheduledInvocation) => Promise<{ readonly ran: string }>;

/**
 * Runs what the scheduler hands it: a due job (a delayed step goes onto the queue; a dated HR change
 * takes effect), crash recovery (undelivered outboxes and unqueued plans), or reconciliation.
 * Everything it calls is idempotent, because EventBridge delivers at least once.
 */
export function createScheduledJobHandler(engine: Engine, logger: Logger): ScheduledJobHandler {
  return async (event) => {
    if ('job' in event) {
      const { work } = event.job;
      if (work.kind === 'step') await engine.queue.send([work.step]);
      else await engine.hr.apply(work.event, { due: true });
      return { ran: `job ${event.job.id}` };
    }
    if (event.task === 'recover') {
      const outboxes = await engine.relay.recover(500);
      const plans = await engine.planner.recover(500);
      if (outboxes + plans > 0) logger.info('Recovered pending work', { outboxes, plans });
      return { ran: 'recover' };
    }
    const reports = await engine.reconciler.reconcileAll(engine.config.reconciliation.fix);
    logger.info('Reconciliation finished', {
      apps: reports.length,
      orphans: reports.reduce((sum, r) => sum + r.orphans.length, 0),
      drift: reports.reduce((sum, r) => sum + r.drift.length, 0),
    });
    return { ran: 'reconcile' };
  };
}
