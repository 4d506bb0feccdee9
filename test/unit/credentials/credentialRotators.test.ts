import { describe, expect, it } from 'vitest';
import type { Credential } from '../../../lib/connector-sdk/Credential.js';
import { RotationError } from '../../../lib/connector-sdk/RotationError.js';
import { credentialRotators } from '../../../connectors/credentialRotators.js';
import { entraClientSecretRotator } from '../../../connectors/microsoft-entra/entraClientSecretRotator.js';
import { oauth2RefreshRotator } from '../../../lib/connector-sdk/oauth2RefreshRotator.js';

describe('credentialRotators', () => {
  it('has a rotator for each rotatable type and none for a static bearer token', () => {
    // Act
    const bearer = credentialRotators.bearer;

    // Assess
    expect(credentialRotators['oauth2-refresh']).toBe(oauth2RefreshRotator);
    expect(credentialRotators['entra-client-secret']).toBe(entraClientSecretRotator);
    expect(bearer).toBeUndefined();
    for (const [type, rotator] of Object.entries(credentialRotators)) expect(rotator?.type).toBe(type);
  });

  it('a rotator given another type of credential refuses it before any request', async () => {
    // Prepare
    const bearer: Credential = { type: 'bearer', token: 'tok_secret_value' };
    const rotator = credentialRotators['oauth2-refresh'];

    // Act
    const error = await rotator?.create(bearer, {}).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(RotationError);
    expect((error as Error).message).toBe('oauth2-refresh rotator given a bearer credential');
  });
});
