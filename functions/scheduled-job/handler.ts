import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsEngine } from '../shared/createAwsEngine.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { createScheduledJobHandler } from './createScheduledJobHandler.js';

const logger = createJsonLogger('perimeter-scheduled-job');
const engine = await createAwsEngine(readEngineEnvironment(), logger);

export const handler = createScheduledJobHandler(engine, logger);
