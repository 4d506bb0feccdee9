import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { TokenVerifier } from '../../ports/TokenVerifier.js';
import type { ApiContext } from '../ApiContext.js';
import { HttpError } from '../HttpError.js';

const MAX_TOKEN_LENGTH = 4096;

/**
 * RFC 6750 bearer authentication. Every failure is the same 401 with a WWW-Authenticate challenge,
 * so a caller learns nothing about why its token was refused.
 */
export function bearerAuth(verifier: TokenVerifier, realm = 'perimeter'): MiddlewareObj<APIGatewayProxyEventV2, unknown, Error, ApiContext> {
  const bearerAuthBefore: MiddlewareObj<APIGatewayProxyEventV2, unknown, Error, ApiContext>['before'] = async (request) => {
    const header = request.event.headers?.authorization ?? request.event.headers?.Authorization;
    const match = header === undefined ? null : /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
    const token = match?.[1];
    const identity = token && token.length <= MAX_TOKEN_LENGTH ? await verifier.verify(token) : undefined;
    if (!identity) {
      const error = token ? `, error="invalid_token"` : '';
      throw new HttpError(401, 'Authentication required: send a valid bearer token', {
        'WWW-Authenticate': `Bearer realm="${realm}"${error}`,
      });
    }
    request.context.caller = identity;
  };
  return { before: bearerAuthBefore };
}
