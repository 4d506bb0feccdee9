import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { toJsonLines } from '../../audit/toJsonLines.js';
import type { LedgerEvent } from '../../domain/LedgerEvent.js';
import type { LedgerArchive } from '../../ports/LedgerArchive.js';
import { writeFileAtomic } from './writeFileAtomic.js';

/**
 * Local mode's archive: canonical JSON Lines under <dataDir>/archive/<run>/, written atomically, so
 * an archived event can still be re-hashed and checked against its sealed base.
 */
export class LocalLedgerArchive implements LedgerArchive {
  public constructor(private readonly dataDir: string) {}

  public async write(runId: string, chain: string, events: readonly LedgerEvent[]): Promise<string> {
    const directory = join(this.dataDir, 'archive', runId);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    let text = '';
    for await (const line of toJsonLines(events)) text += line;
    const path = join(directory, `${encodeURIComponent(chain)}.jsonl`);
    await writeFileAtomic(path, text);
    return path;
  }
}
