import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export function scimResponse(
  statusCode: number,
  body?: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { ...(body === undefined ? {} : { 'content-type': SCIM_CONTENT_TYPE }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}
