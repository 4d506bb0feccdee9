import { describe, expect, it } from 'vitest';
import { parseCredential } from '../../../lib/credentials/parseCredential.js';

const GUID_A = '0a0a0a0a-1111-4222-8333-444444444444';
const GUID_B = '0b0b0b0b-1111-4222-8333-444444444444';
const GUID_C = '0c0c0c0c-1111-4222-8333-444444444444';

const OAUTH2 = {
  type: 'oauth2-refresh',
  tokenUrl: 'https://auth.example.com/oauth/token',
  clientId: 'perimeter',
  clientSecret: 'cs_client_secret_value',
  refreshToken: 'rt_refresh_token_value',
  scope: 'users:read users:write',
  accessToken: 'at_access_token_value',
  expiresAt: '2030-01-01T01:00:00.000Z',
  issuedAt: '2030-01-01T00:00:00.000Z',
};

const ENTRA = {
  type: 'entra-client-secret',
  tenantId: 'contoso.onmicrosoft.com',
  clientId: GUID_A,
  applicationObjectId: GUID_B,
  clientSecret: 'abc8Q~entra_secret_value',
  secretKeyId: GUID_C,
};

/** The message of the error parsing throws. */
function messageOf(value: string): string {
  try {
    parseCredential(value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected parsing to fail');
}

describe('parseCredential: accepted shapes', () => {
  it('reads a bare token as a bearer credential, trimmed', () => {
    // Act
    const credential = parseCredential('  xoxb-bare-token-value\n');

    // Assess
    expect(credential).toEqual({ type: 'bearer', token: 'xoxb-bare-token-value' });
  });

  it('reads a bearer credential in JSON', () => {
    // Act
    const credential = parseCredential('{"type":"bearer","token":"ghp_token_value","issuedAt":"2030-01-01T00:00:00Z"}');

    // Assess
    expect(credential).toEqual({ type: 'bearer', token: 'ghp_token_value', issuedAt: '2030-01-01T00:00:00Z' });
  });

  it('reads an oauth2-refresh credential with every field, and a public client with the required ones', () => {
    // Act
    const full = parseCredential(JSON.stringify(OAUTH2));
    const minimal = parseCredential(JSON.stringify({ type: 'oauth2-refresh', tokenUrl: OAUTH2.tokenUrl, clientId: 'app', refreshToken: 'rt_x' }));

    // Assess
    expect(full).toEqual(OAUTH2);
    expect(minimal).toEqual({ type: 'oauth2-refresh', tokenUrl: OAUTH2.tokenUrl, clientId: 'app', refreshToken: 'rt_x' });
  });

  it('reads an entra-client-secret credential, with a GUID or a domain as tenant', () => {
    // Act
    const byDomain = parseCredential(JSON.stringify(ENTRA));
    const byGuid = parseCredential(JSON.stringify({ ...ENTRA, tenantId: GUID_A, graphBaseUrl: 'https://graph.microsoft.us/v1.0' }));

    // Assess
    expect(byDomain).toEqual(ENTRA);
    expect(byGuid).toMatchObject({ tenantId: GUID_A, graphBaseUrl: 'https://graph.microsoft.us/v1.0' });
  });

  it('reads what a rotator wrote back (JSON.stringify of a credential)', () => {
    // Prepare
    const written = JSON.stringify({ ...ENTRA, accessToken: 'at_x', expiresAt: '2030-01-01T00:59:59.000Z', issuedAt: '2030-01-01T00:00:00.000Z' });

    // Act
    const credential = parseCredential(written);

    // Assess
    expect(credential).toEqual(JSON.parse(written));
  });

  it('allows plain http only to this machine (local mode and tests)', () => {
    // Act
    const local = parseCredential(JSON.stringify({ ...OAUTH2, tokenUrl: 'http://127.0.0.1:8080/token' }));
    const remote = messageOf(JSON.stringify({ ...OAUTH2, tokenUrl: 'http://auth.example.com/token' }));

    // Assess
    expect(local).toMatchObject({ tokenUrl: 'http://127.0.0.1:8080/token' });
    expect(remote).toBe('Credential is not a valid credential: tokenUrl: must be https (http only for localhost)');
  });
});

describe('parseCredential: errors name the field, never the value', () => {
  it('rejects an unknown type, listing the known ones', () => {
    // Act
    const message = messageOf('{"type":"api-key-typed-here","token":"tok_secret_value"}');

    // Assess
    expect(message).toBe('Credential is not a valid credential: type: must be one of "bearer", "oauth2-refresh", "entra-client-secret"');
  });

  it('names missing and mistyped fields', () => {
    // Act
    const message = messageOf(JSON.stringify({ type: 'oauth2-refresh', tokenUrl: OAUTH2.tokenUrl, clientId: 'app', clientSecret: 12345 }));

    // Assess
    expect(message).toBe('Credential is not a valid credential: clientSecret: Invalid input: expected string, received number; refreshToken: is required');
  });

  it('names unknown keys so typos are found, but not keys that look like pasted values', () => {
    // Act
    const message = messageOf(JSON.stringify({ ...OAUTH2, refresh_token: 'rt_typo_value', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz': true }));

    // Assess
    expect(message).toBe('Credential is not a valid credential: credential: unknown keys "refresh_token", 1 other key');
  });

  it('explains the Entra id rules', () => {
    // Act
    const message = messageOf(JSON.stringify({ ...ENTRA, tenantId: 'x/../y', applicationObjectId: 'the-client-id', expiresAt: 'tomorrow' }));

    // Assess
    expect(message).toBe(
      'Credential is not a valid credential: tenantId: must be a GUID or a domain name; applicationObjectId: must be a GUID; expiresAt: must be an ISO 8601 date-time',
    );
  });

  it.each([
    ['', 'Credential is empty or contains whitespace or control characters'],
    ['tok en_secret_value', 'Credential is empty or contains whitespace or control characters'],
    ['tok_secret_value\r\nX-Injected: 1', 'Credential is empty or contains whitespace or control characters'],
    ['{"type":"bearer","token":"tok_secret_value"', 'Credential starts with "{" but is not valid JSON'],
    ['"tok_secret_value"', 'Credential is JSON but not an object'],
    ['["tok_secret_value"]', 'Credential is JSON but not an object'],
    ['{"type":"bearer","token":"tok secret_value"}', 'Credential is not a valid credential: token: must be non-empty, without whitespace or control characters'],
  ])('rejects %j without echoing it', (value, expected) => {
    // Act
    const message = messageOf(value);

    // Assess
    expect(message).toBe(expected);
    expect(message).not.toContain('secret_value');
  });

  it('never echoes any secret field of an invalid credential', () => {
    // Prepare: valid secrets, broken elsewhere, so every secret reaches the schema.
    const broken = [
      { ...OAUTH2, tokenUrl: 'ftp://auth.example.com' },
      { ...OAUTH2, expiresAt: 'at_access_token_value' },
      { ...ENTRA, secretKeyId: 'abc8Q~entra_secret_value' },
      { ...ENTRA, type: 'cs_client_secret_value' },
      { ...OAUTH2, scope: '' },
    ];

    // Act
    const messages = broken.map((credential) => messageOf(JSON.stringify(credential)));

    // Assess
    for (const message of messages) {
      for (const secret of ['cs_client_secret_value', 'rt_refresh_token_value', 'at_access_token_value', 'abc8Q~entra_secret_value']) {
        expect(message).not.toContain(secret);
      }
    }
    expect(messages[0]).toMatch(/^Credential is not a valid credential: tokenUrl: /);
  });
});
