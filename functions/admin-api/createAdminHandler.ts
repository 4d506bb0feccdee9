import middy, { type MiddyfiedHandler } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AdminOperations } from '../../lib/application/admin/AdminOperations.js';
import type { ApiContext } from '../../lib/http/ApiContext.js';
import { bearerAuth } from '../../lib/http/middleware/bearerAuth.js';
import { bodyLimit } from '../../lib/http/middleware/bodyLimit.js';
import { jsonErrorHandler } from '../../lib/http/middleware/jsonErrorHandler.js';
import type { Logger } from '../../lib/observability/Logger.js';
import type { TokenVerifier } from '../../lib/ports/TokenVerifier.js';
import { routeAdminRequest } from './routeAdminRequest.js';

export interface AdminHandlerDependencies {
  readonly operations: AdminOperations;
  readonly tokens: TokenVerifier;
  readonly logger: Logger;
}

export type AdminHandler = MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>;

/** A roster export of 10,000 people fits comfortably. Local mode enforces it while reading. */
export const ADMIN_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const ADMIN_REALM = 'perimeter-admin';

export function createAdminHandler(deps: AdminHandlerDependencies): AdminHandler {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>()
    .use(jsonErrorHandler(deps.logger))
    .use(bearerAuth(deps.tokens, ADMIN_REALM))
    .use(bodyLimit(ADMIN_MAX_BODY_BYTES))
    .handler((event, context) => routeAdminRequest(event, context, deps.operations));
}
