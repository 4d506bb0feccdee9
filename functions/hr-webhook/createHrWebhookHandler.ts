import middy, { type MiddyfiedHandler } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiContext } from '../../lib/http/ApiContext.js';
import { bodyLimit } from '../../lib/http/middleware/bodyLimit.js';
import { jsonErrorHandler } from '../../lib/http/middleware/jsonErrorHandler.js';
import { type HrWebhookDependencies, routeHrWebhook } from './routeHrWebhook.js';

export type HrWebhookHandler = MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>;

/**
 * HR payloads are small; a megabyte covers a batched BambooHR delivery with room to spare. Local
 * mode enforces it while reading.
 */
export const HR_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

/** The HR webhook endpoint: no bearer token, the vendor's signature is the authentication. */
export function createHrWebhookHandler(deps: HrWebhookDependencies): HrWebhookHandler {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>()
    .use(jsonErrorHandler(deps.logger))
    .use(bodyLimit(HR_WEBHOOK_MAX_BODY_BYTES))
    .handler((event) => routeHrWebhook(event, deps));
}
