import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsApplication } from '../shared/createAwsApplication.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { createScheduledJobHandler } from './createScheduledJobHandler.js';

const logger = createJsonLogger('perimeter-scheduled-job');
const app = await createAwsApplication(readEngineEnvironment(), logger);

export const handler = createScheduledJobHandler(app.scheduled);
