import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './HttpError.js';

const MAX_DEPTH = 64;
const JSON_TYPES = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The request body as JSON: checks the media type, decodes base64 (API Gateway's binary mode),
 * parses, and refuses nesting deeper than any real payload needs (a cheap denial-of-service).
 */
export function readJsonBody(event: APIGatewayProxyEventV2, scimType = 'invalidSyntax'): unknown {
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'];
  if (contentType !== undefined && !JSON_TYPES.test(contentType)) {
    throw new HttpError(415, `Unsupported media type '${contentType}'; send application/scim+json or application/json`);
  }
  if (event.body === undefined || event.body === null || event.body === '') {
    throw new HttpError(400, 'Request body is required', {}, { scimType });
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `Request body is not valid JSON: ${(error as Error).message}`, {}, { scimType, cause: error });
  }
  if (depthOf(value) > MAX_DEPTH) throw new HttpError(400, `Request body nests deeper than ${MAX_DEPTH} levels`, {}, { scimType });
  return value;
}

function depthOf(root: unknown): number {
  let max = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (depth > max) max = depth;
    if (depth > MAX_DEPTH) return depth;
    if (value !== null && typeof value === 'object') {
      for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return max;
}
