import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bodyTooLarge } from '../bodyTooLarge.js';

/** Refuses bodies over `maxBytes` with 413 before anything parses them. */
export function bodyLimit(maxBytes: number): MiddlewareObj<APIGatewayProxyEventV2> {
  const bodyLimitBefore: MiddlewareObj<APIGatewayProxyEventV2>['before'] = async (request) => {
    const { body, isBase64Encoded } = request.event;
    if (body === undefined || body === null) return;
    const size = isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
    if (size > maxBytes) throw bodyTooLarge(maxBytes);
  };
  return { before: bodyLimitBefore };
}
