import { S3LedgerArchive } from '../../lib/adapters/s3/S3LedgerArchive.js';
import { applyRetention } from '../../lib/audit/applyRetention.js';
import { requireEnv } from '../../lib/config/readEnv.js';
import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsEngine } from '../shared/createAwsEngine.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';

// The retention job (daily, only deployed when the config sets `retention`). The one function that
// may delete ledger events, and only those a checkpoint sealed and the archive bucket holds.
const logger = createJsonLogger('perimeter-retention');
const engine = await createAwsEngine(readEngineEnvironment(), logger);
const archive = new S3LedgerArchive({ bucket: requireEnv('ARCHIVE_BUCKET'), kmsKeyId: requireEnv('ARCHIVE_KEY_ARN') });

export const handler = async (): Promise<{ readonly ran: string }> => {
  const policy = engine.config.retention;
  if (!policy) return { ran: 'retention is not configured' };
  const run = await applyRetention(
    { audit: engine.ledgerStore, checkpoints: engine.checkpoints, archive, pruner: engine.ledgerStore, ledger: engine.ledger },
    policy.keepDays,
  );
  logger.info('Retention applied', { runId: run.runId, chains: run.chains, archivedEvents: run.archivedEvents, locations: run.locations.length });
  return { ran: `retention ${run.runId}: ${run.archivedEvents} events from ${run.chains} chains` };
};
