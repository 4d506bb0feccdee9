import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { hrWebhookSources } from '../../lib/webhooks/hrWebhookSources.js';
import { createAwsEngine } from '../shared/createAwsEngine.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { restApiHandler } from '../shared/restApiHandler.js';
import { createHrWebhookHandler } from './createHrWebhookHandler.js';

const logger = createJsonLogger('perimeter-hr-webhook');
const engine = await createAwsEngine(readEngineEnvironment(), logger);

// Behind the REST API (payload 1.0); the handler itself reads 2.0 events, as local mode sends them.
export const handler = restApiHandler(
  createHrWebhookHandler({
    sources: hrWebhookSources,
    secretNames: Object.fromEntries(Object.entries(engine.config.webhooks).map(([source, ref]) => [source, ref.secret])),
    secrets: engine.secrets,
    deliveries: engine.deliveries,
    applier: engine.hr,
    logger,
  }),
);
