import { ConfigError } from '../lib/config/ConfigError.js';
import { intEnv } from '../lib/config/readEnv.js';

/** How much of the machine local mode's HTTP server lets its clients hold. */
export interface LocalHttpLimits {
  /** Open connections at once; the next one is closed as it arrives. */
  readonly maxConnections: number;
  /** A client that has not sent its whole request head by then is cut off (slow-loris). */
  readonly headersTimeoutMs: number;
  /** A client that has not sent its whole request (head and body) by then is cut off. */
  readonly requestTimeoutMs: number;
}

/** API Gateway's own 30 s bounds a request in AWS; a person's browser and an IdP need far fewer connections. */
export const DEFAULT_LOCAL_HTTP_LIMITS: LocalHttpLimits = { maxConnections: 256, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

/**
 * The limits from PERIMETER_MAX_CONNECTIONS, PERIMETER_HEADERS_TIMEOUT_MS and
 * PERIMETER_REQUEST_TIMEOUT_MS (each optional), read once at start-up: a value that cannot work is
 * a ConfigError there, not a server that accepts nothing.
 */
export function readLocalHttpLimits(env: Readonly<Record<string, string | undefined>> = process.env): LocalHttpLimits {
  const read = (name: string, fallback: number): number => {
    const value = intEnv(name, fallback, env);
    if (value < 1) throw new ConfigError(`Environment variable ${name} must be at least 1, got ${value}`);
    return value;
  };
  const limits = {
    maxConnections: read('PERIMETER_MAX_CONNECTIONS', DEFAULT_LOCAL_HTTP_LIMITS.maxConnections),
    headersTimeoutMs: read('PERIMETER_HEADERS_TIMEOUT_MS', DEFAULT_LOCAL_HTTP_LIMITS.headersTimeoutMs),
    requestTimeoutMs: read('PERIMETER_REQUEST_TIMEOUT_MS', DEFAULT_LOCAL_HTTP_LIMITS.requestTimeoutMs),
  };
  // Node.js refuses a head timeout longer than the whole request's.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError(`PERIMETER_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed PERIMETER_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`);
  }
  return limits;
}
