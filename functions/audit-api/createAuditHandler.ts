import middy, { type MiddyfiedHandler } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiContext } from '../../lib/http/ApiContext.js';
import { bearerAuth } from '../../lib/http/middleware/bearerAuth.js';
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

export function createAuditHandler(deps: AuditHandlerDependencies): AuditHandler {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>()
    .use(jsonErrorHandler(deps.logger))
    .use(bearerAuth(deps.tokens, 'perimeter-audit'))
    .handler((event) => routeAuditRequest(event, deps));
}
