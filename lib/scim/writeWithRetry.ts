import { DirectoryError } from '../domain/DirectoryError.js';
import type { ResourceKey } from '../domain/DirectoryRecords.js';
import { type RetryDependencies, retryDirectoryWrite } from '../directory/retryDirectoryWrite.js';
import { scimError } from './scimError.js';

/**
 * retryDirectoryWrite with SCIM's answers: a version the client pinned with If-Match that changed
 * meanwhile is 412, a taken userName is 409 uniqueness (RFC 7644 keeps 409 for that alone).
 */
export async function writeWithRetry<T>(dependencies: RetryDependencies, key: ResourceKey, ifMatch: string | undefined, attempt: () => Promise<T>): Promise<T> {
  return asScimRefusals(key, () => retryDirectoryWrite(dependencies, key, { pinned: isPinned(ifMatch) }, attempt));
}

/** Whether an If-Match names versions (then a concurrent change is 412, not retried). */
export const isPinned = (ifMatch: string | undefined): boolean => ifMatch !== undefined && ifMatch.trim() !== '*';

/** The directory's refusals as the SCIM errors they mean. */
export async function asScimRefusals<T>(key: ResourceKey, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DirectoryError && error.code === 'uniqueness') throw scimError(409, 'uniqueness', 'userName is already in use');
    if (error instanceof DirectoryError && error.code === 'notFound') throw scimError(404, null, `${key.type} ${key.id} not found`);
    if (error instanceof DirectoryError && error.code === 'versionMismatch') {
      throw scimError(412, null, `${key.type} ${key.id} was modified concurrently; fetch it again`);
    }
    throw error;
  }
}
