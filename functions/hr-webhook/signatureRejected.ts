import { HttpError } from '../../lib/http/HttpError.js';

/** The one 401 of the HR webhook: it says nothing about why the delivery was not authenticated. */
export function signatureRejected(): HttpError {
  return new HttpError(401, 'Signature verification failed');
}
