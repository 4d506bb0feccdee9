import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { TokenVerifier } from '../../ports/TokenVerifier.js';
import type { ApiContext } from '../ApiContext.js';
import { authenticationRequired } from '../authenticationRequired.js';
import { bearerToken } from '../bearerToken.js';

const MAX_TOKEN_LENGTH = 4096;

/**
 * RFC 6750 bearer authentication. Every failure is the same 401 with a WWW-Authenticate challenge,
 * so a caller learns nothing about why its token was refused.
 */
export function bearerAuth(verifier: TokenVerifier, realm = 'perimeter'): MiddlewareObj<APIGatewayProxyEventV2, unknown, Error, ApiContext> {
  const bearerAuthBefore: MiddlewareObj<APIGatewayProxyEventV2, unknown, Error, ApiContext>['before'] = async (request) => {
    const token = bearerToken(request.event.headers?.authorization ?? request.event.headers?.Authorization);
    const identity = token && token.length <= MAX_TOKEN_LENGTH ? await verifier.verify(token) : undefined;
    if (!identity) throw authenticationRequired(realm, token !== undefined);
    request.context.caller = identity;
  };
  return { before: bearerAuthBefore };
}
