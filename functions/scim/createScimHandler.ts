import middy, { type MiddyfiedHandler } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiContext } from '../../lib/http/ApiContext.js';
import { bearerAuth } from '../../lib/http/middleware/bearerAuth.js';
import { bodyLimit } from '../../lib/http/middleware/bodyLimit.js';
import type { Logger } from '../../lib/observability/Logger.js';
import type { TokenVerifier } from '../../lib/ports/TokenVerifier.js';
import { MAX_PAYLOAD_BYTES } from '../../lib/scim/scimSchemas.js';
import { routeScimRequest, type ScimServices } from './routeScimRequest.js';
import { scimErrorHandler } from './scimErrorHandler.js';

export interface ScimHandlerDependencies extends ScimServices {
  readonly tokens: TokenVerifier;
  readonly logger: Logger;
}

export type ScimHandler = MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>;

export const SCIM_REALM = 'perimeter-scim';

/** The SCIM 2.0 API as one Lambda handler: errors, then auth, then the size limit, then routing. */
export function createScimHandler(deps: ScimHandlerDependencies): ScimHandler {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>()
    .use(scimErrorHandler(deps.logger))
    .use(bearerAuth(deps.tokens, SCIM_REALM))
    .use(bodyLimit(MAX_PAYLOAD_BYTES))
    .handler((event, context) => routeScimRequest(event, context, deps));
}
