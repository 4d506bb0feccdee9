import { chmod, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Makes the data directory the process owner's alone: the directory and every folder in it 0700,
 * every file 0600, also when it existed before with looser modes (symbolic links are left alone, as
 * they are not followed). It holds the engine's files, the secret store and its key, and the archive.
 */
export async function restrictDataDir(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await restrictDataDir(path);
    else if (entry.isFile()) await chmod(path, 0o600);
  }
}
