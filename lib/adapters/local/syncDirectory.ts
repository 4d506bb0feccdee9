import { open } from 'node:fs/promises';

/**
 * fsyncs a directory, so a rename or link into it survives a power loss, not only a crash of the
 * process. Windows cannot open a directory for syncing (and its renames are journalled by NTFS).
 */
export async function syncDirectory(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
