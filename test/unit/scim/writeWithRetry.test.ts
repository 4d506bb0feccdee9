import { describe, expect, it } from 'vitest';
import { BusyError } from '../../../lib/domain/BusyError.js';
import { DirectoryError } from '../../../lib/domain/DirectoryError.js';
import type { OutboxRelay } from '../../../lib/directory/OutboxRelay.js';
import type { DirectoryStore } from '../../../lib/ports/DirectoryStore.js';
import { writeWithRetry } from '../../../lib/scim/writeWithRetry.js';

const deps = (pauses: number[]) => ({
  store: {} as DirectoryStore,
  relay: {} as OutboxRelay,
  pause: async (ms: number): Promise<void> => void pauses.push(ms),
});
const key = { type: 'User', id: 'u1' } as const;

describe('writeWithRetry', () => {
  it('takes turns with jittered pauses until the write lands', async () => {
    // Prepare: the first three turns are lost to other writers
    const pauses: number[] = [];
    let calls = 0;

    // Act
    const result = await writeWithRetry(deps(pauses), key, undefined, async () => {
      if (++calls <= 3) throw new DirectoryError('versionMismatch', 'changed');
      return 'written';
    });

    // Assess
    expect(result).toBe('written');
    expect(pauses).toHaveLength(3);
    expect(pauses.every((ms) => ms >= 0 && ms <= 50)).toBe(true);
  });

  it('answers "busy, retry later" (never a 409) when it keeps losing', async () => {
    const error = await writeWithRetry(deps([]), key, undefined, async () => {
      throw new DirectoryError('versionMismatch', 'changed');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusyError);
    expect((error as BusyError).retryAfterSeconds).toBe(1);
  });

  it('still refuses a pinned version that changed with 412, at once', async () => {
    const pauses: number[] = [];
    const error = await writeWithRetry(deps(pauses), key, 'W/"1"', async () => {
      throw new DirectoryError('versionMismatch', 'changed');
    }).catch((e: { status?: number }) => e);
    expect((error as { status?: number }).status).toBe(412);
    expect(pauses).toEqual([]);
  });
});
