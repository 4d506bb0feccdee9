import { S3LedgerArchive } from '../../lib/adapters/s3/S3LedgerArchive.js';
import { requireEnv } from '../../lib/config/readEnv.js';
import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsApplication } from '../shared/createAwsApplication.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';

// The retention job (daily, only deployed when the config sets `retention`). The one function that
// may delete ledger events, and only those a checkpoint sealed and the archive bucket holds.
const logger = createJsonLogger('perimeter-retention');
const archive = new S3LedgerArchive({ bucket: requireEnv('ARCHIVE_BUCKET'), kmsKeyId: requireEnv('ARCHIVE_KEY_ARN') });
const app = await createAwsApplication(readEngineEnvironment(), logger, { archive });

export const handler = async (): Promise<{ readonly ran: string }> => ({ ran: await app.scheduled.runTask('retain') });
