import { SqsQueueControl } from '../../lib/adapters/sqs/SqsQueueControl.js';
import { requireEnv } from '../../lib/config/readEnv.js';
import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsApplication } from '../shared/createAwsApplication.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { createFanoutHandler } from './createFanoutHandler.js';

// Deployed twice: on the step queue and on the kill-switch queue (QUEUE_URL says which it consumes).
const logger = createJsonLogger('perimeter-fanout');
const app = await createAwsApplication(readEngineEnvironment(), logger);

export const handler = createFanoutHandler({ executor: app.executor, queue: new SqsQueueControl(requireEnv('QUEUE_URL')), logger });
