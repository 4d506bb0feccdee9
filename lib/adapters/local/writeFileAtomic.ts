import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from './syncDirectory.js';

/** Suffix of the temporary files writeFileAtomic leaves behind only if the process is killed mid-write. */
export const TEMP_SUFFIX = '.tmp';

/**
 * Replaces a file so that readers, and a process killed at any instant (kill -9, power loss), see
 * either the old content or the new one, never a torn mix: the content goes to a temporary file in
 * the same directory, is fsynced, and is renamed over the target (atomic on POSIX filesystems);
 * then the directory is fsynced so the rename itself is durable. Files are created 0600.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}
