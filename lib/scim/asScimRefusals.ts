import { DirectoryError } from '../domain/DirectoryError.js';
import type { ResourceKey } from '../domain/DirectoryRecords.js';
import { scimError } from './scimError.js';

/**
 * The directory's refusals as the SCIM errors they mean: a version the client pinned with If-Match
 * that changed meanwhile is 412, a taken userName is 409 uniqueness (RFC 7644 keeps 409 for that
 * alone), an unknown resource 404.
 */
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
