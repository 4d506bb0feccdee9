import { ADMIN_MAX_BODY_BYTES, ADMIN_REALM, createAdminHandler } from '../functions/admin-api/createAdminHandler.js';
import { AUDIT_MAX_BODY_BYTES, AUDIT_REALM, createAuditHandler } from '../functions/audit-api/createAuditHandler.js';
import { createConsoleHandler } from '../functions/console/createConsoleHandler.js';
import { createHrWebhookHandler, HR_WEBHOOK_MAX_BODY_BYTES } from '../functions/hr-webhook/createHrWebhookHandler.js';
import { refuseUnsignedHrDelivery } from '../functions/hr-webhook/refuseUnsignedHrDelivery.js';
import { createScimHandler, SCIM_REALM } from '../functions/scim/createScimHandler.js';
import { scimErrorResponse } from '../functions/scim/scimErrorResponse.js';
import type { Application } from '../lib/application/Application.js';
import { AnyTokenVerifier } from '../lib/auth/AnyTokenVerifier.js';
import { SecretStoreTokenVerifier } from '../lib/auth/SecretStoreTokenVerifier.js';
import type { HttpError } from '../lib/http/HttpError.js';
import { jsonErrorResponse } from '../lib/http/jsonErrorResponse.js';
import type { Logger } from '../lib/observability/Logger.js';
import { MAX_PAYLOAD_BYTES } from '../lib/scim/scimSchemas.js';
import type { LambdaHttpHandler, LocalRoute } from './createLocalServer.js';
import { requireBearerHeader } from './requireBearerHeader.js';
import { type ResolvedToken, TOKEN_SECRETS } from './resolveLocalTokens.js';

/**
 * The same handlers API Gateway routes to in AWS, by path prefix, each with its handler's own body
 * limit and a check of its credentials' presence before the body is read. Tokens are read from the
 * local secret store with a short cache, so one added or retired with the CLI takes effect within
 * seconds.
 */
export function localRoutes(app: Application, tokens: Record<'scim' | 'admin', ResolvedToken>, logger: Logger): LocalRoute[] {
  const verifier = (secretName: string): SecretStoreTokenVerifier => new SecretStoreTokenVerifier({ secrets: app.stores.secrets, secretName, cacheTtlMs: 5_000 });
  const adminTokens = verifier(tokens.admin.secretName);
  const scimError = (error: HttpError): ReturnType<typeof scimErrorResponse> => scimErrorResponse(error.statusCode, error.message, error.scimType, { ...error.headers });
  return [
    {
      prefix: '/scim/v2',
      name: 'scim',
      handler: createScimHandler({ ...app.scim, tokens: verifier(tokens.scim.secretName), logger }) as LambdaHttpHandler,
      maxBodyBytes: MAX_PAYLOAD_BYTES,
      preflight: requireBearerHeader(SCIM_REALM),
      errorResponse: scimError,
    },
    {
      prefix: '/admin',
      name: 'admin',
      handler: createAdminHandler({ operations: app.admin, tokens: adminTokens, logger }) as LambdaHttpHandler,
      maxBodyBytes: ADMIN_MAX_BODY_BYTES,
      preflight: requireBearerHeader(ADMIN_REALM),
      errorResponse: jsonErrorResponse,
    },
    {
      prefix: '/audit',
      name: 'audit',
      handler: createAuditHandler({ ...app.audit, tokens: new AnyTokenVerifier([verifier(TOKEN_SECRETS.auditor), adminTokens]), logger }) as LambdaHttpHandler,
      maxBodyBytes: AUDIT_MAX_BODY_BYTES,
      preflight: requireBearerHeader(AUDIT_REALM),
      errorResponse: jsonErrorResponse,
    },
    // Static files for anyone (the page asks for a token itself); nothing there reads a body.
    { prefix: '/console', name: 'console', handler: createConsoleHandler(), maxBodyBytes: 0, errorResponse: jsonErrorResponse },
    {
      prefix: '/hooks/hr',
      name: 'hr-webhook',
      handler: createHrWebhookHandler({ ...app.hr, logger }) as LambdaHttpHandler,
      maxBodyBytes: HR_WEBHOOK_MAX_BODY_BYTES,
      preflight: (head) => refuseUnsignedHrDelivery(app.hr, head),
      errorResponse: jsonErrorResponse,
    },
  ];
}
