import { authenticationRequired } from '../lib/http/authenticationRequired.js';
import { bearerToken } from '../lib/http/bearerToken.js';
import type { HttpError } from '../lib/http/HttpError.js';
import type { RequestHead } from './createLocalServer.js';

/**
 * A bearer-authenticated route's refusal of a request that carries no bearer token at all: the
 * same 401 its handler would give, before the body is read. A token is not checked here; the
 * handler verifies it, exactly as in AWS.
 */
export function requireBearerHeader(realm: string): (head: RequestHead) => HttpError | undefined {
  return (head) => {
    const header = head.headers.authorization;
    return bearerToken(Array.isArray(header) ? header.join(',') : header) === undefined ? authenticationRequired(realm, false) : undefined;
  };
}
