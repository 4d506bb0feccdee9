import { SecretStoreError } from './SecretStoreError.js';

// Secrets Manager's ClientRequestToken is 32 to 64 characters; printable ASCII keeps it safe in
// JSON, file contents and logs.
const VERSION_ID = /^[\x21-\x7e]{32,64}$/;

/** Rejects a version id that Secrets Manager would refuse as a ClientRequestToken. */
export function assertVersionId(versionId: string, what: string): void {
  if (!VERSION_ID.test(versionId)) {
    throw new SecretStoreError('invalid', `${what} must be 32 to 64 printable ASCII characters (a UUID fits)`);
  }
}
