import { applyRetention } from '../../lib/audit/applyRetention.js';
import { sealLedger } from '../../lib/audit/sealLedger.js';
import type { Logger } from '../../lib/observability/Logger.js';
import type { ScheduledJob } from '../../lib/ports/Scheduler.js';
import type { Engine } from '../../lib/wiring/buildEngine.js';

/** What EventBridge sends: a one-time job, or a recurring task by name. */
export type ScheduledInvocation = { readonly job: ScheduledJob } | { readonly task: 'recover' | 'reconcile' | 'rotate' | 'checkpoint' | 'retain' };

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
      // Once per directory: users written before the HR match-key index existed join it.
      if (!(await engine.directoryStore.hasMatchIndex())) {
        logger.info('Indexed HR match keys of existing users', { users: await engine.directoryStore.backfillMatchIndex() });
      }
      const outboxes = await engine.relay.recover(500);
      const plans = await engine.planner.recover(500);
      if (outboxes + plans > 0) logger.info('Recovered pending work', { outboxes, plans });
      return { ran: 'recover' };
    }
    if (event.task === 'retain') {
      const policy = engine.config.retention;
      if (!policy || !engine.archive) return { ran: 'retain (no retention configured)' };
      const run = await applyRetention(
        { audit: engine.ledgerStore, checkpoints: engine.checkpoints, archive: engine.archive, pruner: engine.ledgerStore, ledger: engine.ledger },
        policy.keepDays,
      );
      logger.info('Retention applied', { runId: run.runId, chains: run.chains, archivedEvents: run.archivedEvents });
      return { ran: 'retain' };
    }
    if (event.task === 'checkpoint') {
      const checkpoint = await sealLedger(engine.ledgerStore, engine.checkpoints);
      logger.info('Ledger sealed', { chains: checkpoint.heads.length, hash: checkpoint.hash });
      return { ran: 'checkpoint' };
    }
    if (event.task === 'rotate') {
      // Local mode's rotation schedule (in AWS, Secrets Manager's own rotation schedules do this).
      for (const connector of engine.config.connectors) {
        const secret = connector.credential?.secret;
        if (!secret || !connector.rotation) continue;
        try {
          if (await engine.rotation.isDue(secret, connector.rotation.intervalHours)) await engine.rotateSecret(secret, 'schedule');
        } catch (error) {
          // Recorded in the ledger by the rotation; the current credential keeps working.
          logger.error('Scheduled rotation failed', { connector: connector.id, error });
        }
      }
      return { ran: 'rotate' };
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
