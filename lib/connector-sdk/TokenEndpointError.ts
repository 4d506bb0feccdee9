import { RotationError } from './RotationError.js';

/**
 * An OAuth 2.0 token endpoint refused the request with an error response (RFC 6749 §5.2): `error`
 * is the error code, kept only when it is one this engine knows (so a provider that puts something
 * else there, a token included, never gets it into a message), else "unrecognised".
 */
export class TokenEndpointError extends RotationError {
  public constructor(
    message: string,
    public readonly error: string,
    public readonly status: number,
    options: { retryable?: boolean } = {},
  ) {
    super(message, options);
  }
}
