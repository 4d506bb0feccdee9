import { SecretStoreError } from './SecretStoreError.js';

// Secrets Manager's own naming rule, so a name that works locally also works in AWS.
const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** Rejects a name Secrets Manager would refuse. */
export function assertSecretName(name: string): void {
  if (!NAME.test(name)) {
    throw new SecretStoreError('invalid', 'A secret name is 1 to 512 characters: letters, digits and / _ + = . @ -');
  }
}
