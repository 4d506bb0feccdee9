import { createAdminHandler } from '../functions/admin-api/createAdminHandler.js';
import { createAuditHandler } from '../functions/audit-api/createAuditHandler.js';
import { createConsoleHandler } from '../functions/console/createConsoleHandler.js';
import { createHrWebhookHandler } from '../functions/hr-webhook/createHrWebhookHandler.js';
import { createScimHandler } from '../functions/scim/createScimHandler.js';
import type { Application } from '../lib/application/Application.js';
import { AnyTokenVerifier } from '../lib/auth/AnyTokenVerifier.js';
import { SecretStoreTokenVerifier } from '../lib/auth/SecretStoreTokenVerifier.js';
import type { Logger } from '../lib/observability/Logger.js';
import type { LambdaHttpHandler, LocalRoute } from './createLocalServer.js';
import { type ResolvedToken, TOKEN_SECRETS } from './resolveLocalTokens.js';

/**
 * The same handlers API Gateway routes to in AWS, by path prefix. Tokens are read from the local
 * secret store with a short cache, so one added or retired with the CLI takes effect within seconds.
 */
export function localRoutes(app: Application, tokens: Record<'scim' | 'admin', ResolvedToken>, logger: Logger): LocalRoute[] {
  const verifier = (secretName: string): SecretStoreTokenVerifier => new SecretStoreTokenVerifier({ secrets: app.stores.secrets, secretName, cacheTtlMs: 5_000 });
  const adminTokens = verifier(tokens.admin.secretName);
  return [
    { prefix: '/scim/v2', name: 'scim', handler: createScimHandler({ ...app.scim, tokens: verifier(tokens.scim.secretName), logger }) as LambdaHttpHandler },
    { prefix: '/admin', name: 'admin', handler: createAdminHandler({ operations: app.admin, tokens: adminTokens, logger }) as LambdaHttpHandler },
    {
      prefix: '/audit',
      name: 'audit',
      handler: createAuditHandler({ ...app.audit, tokens: new AnyTokenVerifier([verifier(TOKEN_SECRETS.auditor), adminTokens]), logger }) as LambdaHttpHandler,
    },
    { prefix: '/console', name: 'console', handler: createConsoleHandler() },
    { prefix: '/hooks/hr', name: 'hr-webhook', handler: createHrWebhookHandler({ ...app.hr, logger }) as LambdaHttpHandler },
  ];
}
