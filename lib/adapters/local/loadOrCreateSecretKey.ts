import { randomBytes } from 'node:crypto';
import { link, open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SecretStoreError } from '../../secrets/SecretStoreError.js';
import { syncDirectory } from './syncDirectory.js';

/** AES-256 needs 32 bytes. */
export const SECRET_KEY_BYTES = 32;

/**
 * The local secret store's key: read from `path`, or created there on first use (32 random bytes,
 * mode 0600). It is refused if group or others may read or write it: whoever can read the key can
 * decrypt every local secret, so a loose mode is a misconfiguration to fix, not to work around.
 */
export async function loadOrCreateSecretKey(path: string): Promise<Buffer> {
  const existing = await readKey(path);
  if (existing) return existing;

  // Written whole to a temporary file, then hard-linked into place: link fails if the key appeared
  // meanwhile (another process starting at the same moment), so exactly one key ever wins and no
  // one can read a half-written key.
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(randomBytes(SECRET_KEY_BYTES));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, path);
    await syncDirectory(dirname(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new SecretStoreError('unavailable', `Cannot create the secret store key ${path}`, { cause: error });
    }
  } finally {
    await rm(temp, { force: true });
  }
  const created = await readKey(path);
  if (!created) throw new SecretStoreError('unavailable', `The secret store key ${path} vanished right after it was created`);
  return created;
}

async function readKey(path: string): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SecretStoreError('unavailable', `Cannot read the secret store key ${path}`, { cause: error });
  }
  try {
    // Checked on the open handle, so the file judged is the file read.
    const stats = await handle.stat();
    if (!stats.isFile()) throw new SecretStoreError('unavailable', `The secret store key ${path} is not a regular file`);
    // POSIX modes mean nothing on Windows, where access is governed by ACLs.
    if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      throw new SecretStoreError(
        'unavailable',
        `The secret store key ${path} is accessible to group or others (mode ${mode}); it decrypts every local secret. Run: chmod 600 ${path}`,
      );
    }
    const key = await handle.readFile();
    if (key.length !== SECRET_KEY_BYTES) {
      throw new SecretStoreError(
        'unavailable',
        `The secret store key ${path} must hold exactly ${SECRET_KEY_BYTES} bytes but holds ${key.length}; restore it from a backup (the local secrets cannot be decrypted without it)`,
      );
    }
    return key;
  } finally {
    await handle.close();
  }
}
