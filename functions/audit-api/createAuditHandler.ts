import middy, { type MiddyfiedHandler } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiContext } from '../../lib/http/ApiContext.js';
import { bearerAuth } from '../../lib/http/middleware/bearerAuth.js';
import { bodyLimit } from '../../lib/http/middleware/bodyLimit.js';
import { jsonErrorHandler } from '../../lib/http/middleware/jsonErrorHandler.js';
import type { Logger } from '../../lib/observability/Logger.js';
import type { TokenVerifier } from '../../lib/ports/TokenVerifier.js';
import { type AuditDependencies, routeAuditRequest } from './routeAuditRequest.js';

export interface AuditHandlerDependencies extends AuditDependencies {
  /** Auditor tokens (read-only) and admin tokens both open the audit API; only admin tokens open /admin. */
  readonly tokens: TokenVerifier;
  readonly logger: Logger;
}

export type AuditHandler = MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>;

/**
 * The audit API is read-only and reads no body; this bounds what a client may send with a request
 * it refuses (401, 405). Local mode enforces it while reading.
 */
export const AUDIT_MAX_BODY_BYTES = 64 * 1024;
export const AUDIT_REALM = 'perimeter-audit';

export function createAuditHandler(deps: AuditHandlerDependencies): AuditHandler {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>()
    .use(jsonErrorHandler(deps.logger))
    .use(bearerAuth(deps.tokens, AUDIT_REALM))
    .use(bodyLimit(AUDIT_MAX_BODY_BYTES))
    .handler((event) => routeAuditRequest(event, deps));
}
