import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerSecretStore } from '../../../lib/adapters/secrets-manager/SecretsManagerSecretStore.js';
import { SecretStoreTokenVerifier } from '../../../lib/auth/SecretStoreTokenVerifier.js';
import { hashToken } from '../../../lib/auth/hashToken.js';

const secretsManager = mockClient(SecretsManagerClient);
const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:perimeter-scim-tokens';

describe('SecretStoreTokenVerifier (over AWS Secrets Manager)', () => {
  beforeEach(() => {
    secretsManager.reset();
  });

  it('accepts a token whose SHA-256 is listed and labels the caller', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ID })
      .resolves({ VersionId: 'v1', VersionStages: ['AWSCURRENT'], SecretString: JSON.stringify({ tokens: [{ label: 'okta', sha256: hashToken('okta-token-123456') }] }) });
    const verifier = new SecretStoreTokenVerifier({ secrets: new SecretsManagerSecretStore({ client: new SecretsManagerClient({}) }), secretName: SECRET_ID });

    // Act
    const valid = await verifier.verify('okta-token-123456');
    const invalid = await verifier.verify('okta-token-123457');

    // Assess
    expect(valid).toEqual({ label: 'okta' });
    expect(invalid).toBeUndefined();
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('refetches after the cache TTL, so a rotated token list takes effect', async () => {
    // Prepare
    let now = 0;
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ VersionId: 'v1', VersionStages: ['AWSCURRENT'], SecretString: JSON.stringify({ tokens: [{ label: 'old', sha256: hashToken('old-token-1234567') }] }) })
      .resolves({ VersionId: 'v1', VersionStages: ['AWSCURRENT'], SecretString: JSON.stringify({ tokens: [{ label: 'new', sha256: hashToken('new-token-1234567') }] }) });
    const verifier = new SecretStoreTokenVerifier({ secrets: new SecretsManagerSecretStore({ client: new SecretsManagerClient({}) }), secretName: SECRET_ID, cacheTtlMs: 1000, now: () => now });

    // Act
    const before = await verifier.verify('new-token-1234567');
    now = 1001;
    const after = await verifier.verify('new-token-1234567');

    // Assess
    expect(before).toBeUndefined();
    expect(after).toEqual({ label: 'new' });
  });

  it('rejects a token past its notAfter (end of a rotation overlap)', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({
      VersionId: 'v1',
      VersionStages: ['AWSCURRENT'],
      SecretString: JSON.stringify({
        tokens: [{ label: 'retired', sha256: hashToken('retired-token-123'), notAfter: '2020-01-01T00:00:00Z' }],
      }),
    });
    const verifier = new SecretStoreTokenVerifier({ secrets: new SecretsManagerSecretStore({ client: new SecretsManagerClient({}) }), secretName: SECRET_ID });

    // Act
    const result = await verifier.verify('retired-token-123');

    // Assess
    expect(result).toBeUndefined();
  });

  it('fails closed without echoing a malformed secret', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ VersionId: 'v1', VersionStages: ['AWSCURRENT'], SecretString: 'not-json-secret-material' });
    const verifier = new SecretStoreTokenVerifier({ secrets: new SecretsManagerSecretStore({ client: new SecretsManagerClient({}) }), secretName: SECRET_ID });

    // Act
    const failure = await verifier.verify('anything-at-all-123').catch((error: Error) => error);

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).not.toContain('not-json-secret-material');
  });
});
