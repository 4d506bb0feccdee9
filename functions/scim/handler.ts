import { SecretStoreTokenVerifier } from '../../lib/auth/SecretStoreTokenVerifier.js';
import { requireEnv } from '../../lib/config/readEnv.js';
import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsApplication } from '../shared/createAwsApplication.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { restApiHandler } from '../shared/restApiHandler.js';
import { createScimHandler } from './createScimHandler.js';

// Lambda entry point. Configuration is read once per cold start; a missing variable or an invalid
// config fails the init phase loudly instead of the first request quietly.
const logger = createJsonLogger('perimeter-scim');
const app = await createAwsApplication(readEngineEnvironment(), logger);

// Behind the REST API (payload 1.0); the handler itself reads 2.0 events, as local mode sends them.
export const handler = restApiHandler(
  createScimHandler({
    ...app.scim,
    tokens: new SecretStoreTokenVerifier({ secrets: app.stores.secrets, secretName: requireEnv('SCIM_TOKENS_SECRET_ID') }),
    logger,
  }),
);
