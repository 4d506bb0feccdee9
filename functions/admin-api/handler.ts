import { SecretStoreTokenVerifier } from '../../lib/auth/SecretStoreTokenVerifier.js';
import { requireEnv } from '../../lib/config/readEnv.js';
import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsApplication } from '../shared/createAwsApplication.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { restApiHandler } from '../shared/restApiHandler.js';
import { createAdminHandler } from './createAdminHandler.js';

const logger = createJsonLogger('perimeter-admin');
const app = await createAwsApplication(readEngineEnvironment(), logger);

// Behind the REST API (payload 1.0); the handler itself reads 2.0 events, as local mode sends them.
export const handler = restApiHandler(
  createAdminHandler({
    operations: app.admin,
    tokens: new SecretStoreTokenVerifier({ secrets: app.stores.secrets, secretName: requireEnv('ADMIN_TOKENS_SECRET_ID') }),
    logger,
  }),
);
