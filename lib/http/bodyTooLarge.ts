import { HttpError } from './HttpError.js';

/** The 413 for a body over an API's limit, whether a handler measured it or local mode's reader. */
export function bodyTooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `Request body exceeds the limit of ${maxBytes} bytes`);
}
