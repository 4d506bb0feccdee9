import type { CredentialType } from '../lib/connector-sdk/Credential.js';
import type { CredentialRotator } from '../lib/connector-sdk/CredentialRotator.js';
import { entraClientSecretRotator } from './microsoft-entra/entraClientSecretRotator.js';
import { oauth2RefreshRotator } from '../lib/connector-sdk/oauth2RefreshRotator.js';

/**
 * The rotator for each credential type that can be rotated by API. 'bearer' has none: a static
 * token without a management API is rotated by a person (`secrets put`), so looking it up gives
 * undefined and the caller reports it as not rotatable.
 */
export const credentialRotators: Readonly<Partial<Record<CredentialType, CredentialRotator>>> = {
  'oauth2-refresh': oauth2RefreshRotator,
  'entra-client-secret': entraClientSecretRotator,
};
