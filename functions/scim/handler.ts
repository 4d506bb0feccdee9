import { SecretsManagerTokenVerifier } from '../../lib/adapters/secrets-manager/SecretsManagerTokenVerifier.js';
import { createDocumentClient } from '../../lib/adapters/dynamodb/createDocumentClient.js';
import { requireEnv } from '../../lib/config/readEnv.js';
import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { buildScimServices } from '../../lib/wiring/buildScimServices.js';
import { createScimHandler } from './createScimHandler.js';

// Lambda entry point. Configuration is read once per cold start; a missing variable fails the
// init phase loudly instead of the first request quietly.
const config = {
  directoryTable: requireEnv('DIRECTORY_TABLE'),
  ledgerTable: requireEnv('LEDGER_TABLE'),
  tokensSecretId: requireEnv('SCIM_TOKENS_SECRET_ID'),
};

const logger = createJsonLogger('perimeter-scim');
const services = buildScimServices(
  createDocumentClient(),
  { directory: config.directoryTable, ledger: config.ledgerTable },
  logger,
);

export const handler = createScimHandler({
  ...services,
  tokens: new SecretsManagerTokenVerifier({ secretId: config.tokensSecretId }),
  logger,
});
