import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsApplication } from '../shared/createAwsApplication.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { restApiHandler } from '../shared/restApiHandler.js';
import { createHrWebhookHandler } from './createHrWebhookHandler.js';

const logger = createJsonLogger('perimeter-hr-webhook');
const app = await createAwsApplication(readEngineEnvironment(), logger);

// Behind the REST API (payload 1.0); the handler itself reads 2.0 events, as local mode sends them.
export const handler = restApiHandler(createHrWebhookHandler({ ...app.hr, logger }));
