import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ZodError } from 'zod';
import type { Logger } from '../../observability/Logger.js';
import { BusyError } from '../../domain/BusyError.js';
import { HttpError } from '../HttpError.js';
import { OperationError, type OperationErrorKind } from '../../application/OperationError.js';
import { jsonErrorResponse } from '../jsonErrorResponse.js';
import { jsonResponse } from '../jsonResponse.js';

/** How a use case's refusal reads over HTTP. */
const OPERATION_STATUS: Readonly<Record<OperationErrorKind, number>> = { notFound: 404, conflict: 409, invalid: 400, tooLarge: 413, upstream: 502 };

/**
 * Renders failures of the JSON APIs (admin, audit, webhooks) as {"error":{"status","message"}}.
 * Client errors keep their message (validation errors list the fields); anything else is logged
 * and becomes a generic 500 that leaks nothing.
 */
export function jsonErrorHandler(logger: Logger): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const jsonErrorHandlerOnError: MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>['onError'] = async (request) => {
    const error = request.error;
    if (error instanceof HttpError && error.expose) {
      request.response = jsonErrorResponse(error);
      return;
    }
    if (error instanceof BusyError) {
      request.response = jsonResponse(503, { error: { status: 503, message: error.message } }, { 'retry-after': String(error.retryAfterSeconds) });
      return;
    }
    if (error instanceof OperationError) {
      const status = OPERATION_STATUS[error.kind];
      request.response = jsonResponse(status, { error: { status, message: error.message } });
      return;
    }
    if (error instanceof ZodError) {
      const issues = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      request.response = jsonResponse(400, { error: { status: 400, message: 'Invalid request', issues } });
      return;
    }
    logger.error('Request failed', { error, method: request.event.requestContext?.http?.method, path: request.event.rawPath });
    request.response = jsonResponse(500, { error: { status: 500, message: 'Internal server error' } });
  };
  return { onError: jsonErrorHandlerOnError };
}
