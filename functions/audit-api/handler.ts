import { AnyTokenVerifier } from '../../lib/auth/AnyTokenVerifier.js';
import { SecretStoreTokenVerifier } from '../../lib/auth/SecretStoreTokenVerifier.js';
import { requireEnv } from '../../lib/config/readEnv.js';
import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsEngine } from '../shared/createAwsEngine.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { restApiHandler } from '../shared/restApiHandler.js';
import { createAuditHandler } from './createAuditHandler.js';

const logger = createJsonLogger('perimeter-audit');
const engine = await createAwsEngine(readEngineEnvironment(), logger);

// Auditor tokens (read-only) and admin tokens both open the audit API; only admin tokens open /admin.
const auditorTokens = new SecretStoreTokenVerifier({ secrets: engine.secrets, secretName: requireEnv('AUDITOR_TOKENS_SECRET_ID') });
const adminTokens = new SecretStoreTokenVerifier({ secrets: engine.secrets, secretName: requireEnv('ADMIN_TOKENS_SECRET_ID') });

// Behind the REST API (payload 1.0); the handler itself reads 2.0 events, as local mode sends them.
export const handler = restApiHandler(
  createAuditHandler({
    engine,
    audit: engine.ledgerStore,
    tokens: new AnyTokenVerifier([auditorTokens, adminTokens]),
    logger,
  }),
);
