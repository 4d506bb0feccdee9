import { AnyTokenVerifier } from '../../lib/auth/AnyTokenVerifier.js';
import { SecretStoreTokenVerifier } from '../../lib/auth/SecretStoreTokenVerifier.js';
import { requireEnv } from '../../lib/config/readEnv.js';
import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsApplication } from '../shared/createAwsApplication.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { restApiHandler } from '../shared/restApiHandler.js';
import { createAuditHandler } from './createAuditHandler.js';

const logger = createJsonLogger('perimeter-audit');
const app = await createAwsApplication(readEngineEnvironment(), logger);

// Auditor tokens (read-only) and admin tokens both open the audit API; only admin tokens open /admin.
const auditorTokens = new SecretStoreTokenVerifier({ secrets: app.stores.secrets, secretName: requireEnv('AUDITOR_TOKENS_SECRET_ID') });
const adminTokens = new SecretStoreTokenVerifier({ secrets: app.stores.secrets, secretName: requireEnv('ADMIN_TOKENS_SECRET_ID') });

// Behind the REST API (payload 1.0); the handler itself reads 2.0 events, as local mode sends them.
export const handler = restApiHandler(createAuditHandler({ ...app.audit, tokens: new AnyTokenVerifier([auditorTokens, adminTokens]), logger }));
