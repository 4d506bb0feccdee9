import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ERROR_SCHEMA } from '../../lib/scim/scimSchemas.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * The largest body a SCIM answer carries: a Lambda response is at most 6 MB, headers and the
 * proxy envelope included, and past it API Gateway answers a bare 502 that IdPs retry forever. A
 * group of ~40,000 members read with them is that large. The same bound holds locally, so a test
 * on one machine says what a deployment does.
 */
export const MAX_RESPONSE_BYTES = 5_500_000;

/**
 * A SCIM answer. One past MAX_RESPONSE_BYTES is a read's 400 tooMany; a write, which has happened
 * by then, answers without its body instead (`write`), as RFC 7644 §3.5.2 allows a PATCH to.
 */
export function scimResponse(
  statusCode: number,
  body?: unknown,
  headers: Record<string, string> = {},
  write = false,
): APIGatewayProxyStructuredResultV2 {
  const text = body === undefined ? undefined : JSON.stringify(body);
  if (text !== undefined && Buffer.byteLength(text) > MAX_RESPONSE_BYTES) return write ? { statusCode: statusCode === 201 ? 201 : 204, headers } : tooLarge(Buffer.byteLength(text));
  return {
    statusCode,
    headers: { ...(text === undefined ? {} : { 'content-type': SCIM_CONTENT_TYPE }), ...headers },
    ...(text === undefined ? {} : { body: text }),
  };
}

/** RFC 7644 §3.12's tooMany ("more than the server is willing to process"), with the way out. */
function tooLarge(bytes: number): APIGatewayProxyStructuredResultV2 {
  const detail = `The answer would be ${(bytes / 1_000_000).toFixed(1)} MB, more than the ${MAX_RESPONSE_BYTES / 1_000_000} MB a response may carry; ask for less with excludedAttributes=members, attributes or a smaller count`;
  return {
    statusCode: 400,
    headers: { 'content-type': SCIM_CONTENT_TYPE },
    body: JSON.stringify({ schemas: [ERROR_SCHEMA], status: '400', scimType: 'tooMany', detail }),
  };
}
