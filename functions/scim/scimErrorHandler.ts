import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BusyError } from '../../lib/domain/BusyError.js';
import { HttpError } from '../../lib/http/HttpError.js';
import type { Logger } from '../../lib/observability/Logger.js';
import { isScimError } from '../../lib/scim/scimError.js';
import { scimErrorResponse } from './scimErrorResponse.js';

/**
 * Renders every failure in the RFC 7644 §3.12 error schema. Client errors keep their message;
 * anything else (a store outage, a bug) is logged and becomes a generic 500, so internals and
 * secrets never reach the caller, and an infrastructure failure never looks like a 404.
 */
export function scimErrorHandler(logger: Logger): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const scimErrorHandlerOnError: MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>['onError'] = async (
    request,
  ) => {
    const error = request.error;
    let status = 500;
    let scimType: string | undefined;
    let detail = 'Internal server error';
    let headers: Record<string, string> = {};
    // 501 is a deliberate answer (e.g. /Bulk is not supported), not a failure with internals to hide.
    if (isScimError(error) && (error.status < 500 || error.status === 501)) {
      status = error.status;
      scimType = error.scimType ?? undefined;
      detail = error.message;
    } else if (error instanceof BusyError) {
      status = 503;
      detail = error.message;
      headers = { 'retry-after': String(error.retryAfterSeconds) };
    } else if (error instanceof HttpError && error.expose) {
      status = error.statusCode;
      scimType = error.scimType;
      detail = error.message;
      headers = { ...error.headers };
    } else {
      logger.error('SCIM request failed', {
        error,
        method: request.event.requestContext?.http?.method,
        path: request.event.rawPath,
        requestId: request.context.awsRequestId,
      });
    }
    request.response = scimErrorResponse(status, detail, scimType, headers);
  };
  return { onError: scimErrorHandlerOnError };
}
