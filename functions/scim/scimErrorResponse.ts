import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ERROR_SCHEMA } from '../../lib/scim/scimSchemas.js';
import { scimResponse } from './scimResponse.js';

/** A failure in the RFC 7644 §3.12 error schema, as every SCIM client expects it. */
export function scimErrorResponse(status: number, detail: string, scimType?: string, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return scimResponse(status, { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail }, headers);
}
