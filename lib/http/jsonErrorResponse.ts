import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpError } from './HttpError.js';
import { jsonResponse } from './jsonResponse.js';

/** A client error as the JSON APIs (admin, audit, webhooks) answer it: {"error":{"status","message"}}. */
export function jsonErrorResponse(error: HttpError): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(error.statusCode, { error: { status: error.statusCode, message: error.message } }, { ...error.headers });
}
