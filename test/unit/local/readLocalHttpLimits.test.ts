import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/config/ConfigError.js';
import { DEFAULT_LOCAL_HTTP_LIMITS, readLocalHttpLimits } from '../../../local/LocalHttpLimits.js';

describe('readLocalHttpLimits', () => {
  it('reads each limit from its variable, and the default for one not set', () => {
    expect(readLocalHttpLimits({})).toEqual(DEFAULT_LOCAL_HTTP_LIMITS);
    expect(readLocalHttpLimits({ PERIMETER_MAX_CONNECTIONS: '8', PERIMETER_HEADERS_TIMEOUT_MS: '500', PERIMETER_REQUEST_TIMEOUT_MS: '900' })).toEqual({
      maxConnections: 8,
      headersTimeoutMs: 500,
      requestTimeoutMs: 900,
    });
  });

  it('refuses at start a limit that cannot work: not a number, zero, or a head timeout past the request timeout', () => {
    for (const env of [{ PERIMETER_MAX_CONNECTIONS: 'many' }, { PERIMETER_MAX_CONNECTIONS: '0' }, { PERIMETER_HEADERS_TIMEOUT_MS: '-1' }, { PERIMETER_HEADERS_TIMEOUT_MS: '40000' }]) {
      expect(() => readLocalHttpLimits(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });
});
