import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

async function modes(dir: string): Promise<{ path: string; mode: number; directory: boolean }[]> {
  const found: { path: string; mode: number; directory: boolean }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push({ path, mode: (await stat(path)).mode & 0o777, directory: true }, ...(await modes(path)));
    else if (entry.isFile()) found.push({ path, mode: (await stat(path)).mode & 0o777, directory: false });
  }
  return found;
}

/** Local mode keeps its data to the user who runs it. */
describe('local-mode data directory', () => {
  let dataDir: string;
  let perimeter: TestPerimeter;
  beforeAll(async () => {
    // A data directory left behind with loose modes (a copy, an older version, another umask)
    dataDir = await mkdtemp(join(tmpdir(), 'perimeter-modes-'));
    await mkdir(join(dataDir, 'archive'), { mode: 0o755 });
    await writeFile(join(dataDir, 'archive', 'old.jsonl'), '{}\n', { mode: 0o644 });
    // The embedded engine's own files are among what must be kept private.
    perimeter = await startTestPerimeter({ dataDir, embedded: true });
    await perimeter.scim('/Users', { method: 'POST', body: { userName: 'modes@example.com' } });
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  it('is 0700 with every folder 0700 and every file 0600, also what existed before and what the engine writes', async () => {
    const entries = await modes(dataDir);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(entries.some((entry) => entry.path.includes('dynamodb') && !entry.directory)).toBe(true);
    expect(entries.filter((entry) => entry.mode !== (entry.directory ? 0o700 : 0o600)).map((entry) => `${entry.path} ${entry.mode.toString(8)}`)).toEqual([]);
  });
});
