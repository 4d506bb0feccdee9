import { HttpError } from './HttpError.js';

/**
 * The one 401 of a bearer-authenticated API, with its RFC 6750 challenge. Every failure reads the
 * same, so a caller learns nothing about why its token was refused (only whether it sent one).
 */
export function authenticationRequired(realm: string, tokenPresented: boolean): HttpError {
  const error = tokenPresented ? `, error="invalid_token"` : '';
  return new HttpError(401, 'Authentication required: send a valid bearer token', { 'WWW-Authenticate': `Bearer realm="${realm}"${error}` });
}
