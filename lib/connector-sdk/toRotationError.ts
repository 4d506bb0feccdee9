import { ConnectorError } from './ConnectorError.js';
import { RotationError } from './RotationError.js';

/**
 * Turns a failed vendor call (requestJson's ConnectorError: 429 with its Retry-After, 5xx, resets and
 * malformed bodies retryable; 4xx not) into a RotationError that keeps those facts. ConnectorError
 * messages carry the operation and status only, so the message stays free of secrets.
 */
export function toRotationError(error: unknown, operation: string): RotationError {
  if (error instanceof RotationError) return error;
  if (error instanceof ConnectorError) {
    return new RotationError(error.message, {
      cause: error,
      retryable: error.retryable,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }
  return new RotationError(`${operation}: failed`, { cause: error });
}
