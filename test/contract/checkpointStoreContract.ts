import { expect } from 'vitest';
import type { Checkpoint } from '../../lib/domain/Checkpoint.js';
import { GENESIS_HASH } from '../../lib/domain/LedgerEvent.js';
import type { CheckpointStore } from '../../lib/ports/CheckpointStore.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

/** A checkpoint named `name` (its hash is derived from it) linking to `previous`. */
const checkpoint = (name: string, previous: Checkpoint | undefined, createdAt = '2026-03-01T00:00:00.000Z'): Checkpoint => ({
  createdAt,
  heads: [{ chain: `person#${name}`, seq: 3, hash: name.padEnd(64, 'a') }],
  prevCheckpointHash: previous?.hash ?? GENESIS_HASH,
  hash: name.padEnd(64, 'c'),
});

/**
 * What every CheckpointStore adapter promises the seal and retention: checkpoints form one chain.
 * Saving refuses (false) a checkpoint that does not link to the latest one, so two sealers never
 * fork it. `openStore` returns a fresh, empty store per test.
 */
export function describeCheckpointStoreContract(name: string, openStore: () => Promise<CheckpointStore>, options: ContractOptions = {}): void {
  describeContract(`CheckpointStore contract: ${name}`, openStore, options, (clause) => {
    clause('has no latest checkpoint before the first is saved', async (store) => {
      expect(await store.latest()).toBeUndefined();
    });

    clause('saves a first checkpoint linked to the genesis hash, and each next one linked to the latest', async (store) => {
      // Prepare
      const first = checkpoint('first', undefined);
      const second = checkpoint('second', first, '2026-03-02T00:00:00.000Z');

      // Act
      const savedFirst = await store.save(first);
      const latestAfterFirst = await store.latest();
      const savedSecond = await store.save(second);

      // Assess
      expect([savedFirst, savedSecond]).toEqual([true, true]);
      expect(latestAfterFirst).toEqual(first);
      expect(await store.latest()).toEqual(second);
    });

    clause('refuses a second first checkpoint (a fork from genesis)', async (store) => {
      // Prepare
      const first = checkpoint('first', undefined);
      await store.save(first);

      // Act
      const saved = await store.save(checkpoint('rival', undefined));

      // Assess
      expect(saved).toBe(false);
      expect(await store.latest()).toEqual(first);
    });

    clause('refuses a checkpoint linked to one that is no longer the latest', async (store) => {
      // Prepare
      const first = checkpoint('first', undefined);
      const second = checkpoint('second', first);
      await store.save(first);
      await store.save(second);

      // Act
      const saved = await store.save(checkpoint('stale', first));

      // Assess
      expect(saved).toBe(false);
      expect(await store.latest()).toEqual(second);
    });

    clause('refuses a checkpoint linked to one it never saved', async (store) => {
      // Act
      const saved = await store.save(checkpoint('orphan', checkpoint('never-saved', undefined)));

      // Assess
      expect(saved).toBe(false);
      expect(await store.latest()).toBeUndefined();
    });

    clause('lets exactly one of two sealers extend the latest checkpoint', async (store) => {
      // Prepare
      const first = checkpoint('first', undefined);
      await store.save(first);
      const rivals = [checkpoint('left', first), checkpoint('right', first)];

      // Act
      const saved = await Promise.all(rivals.map((rival) => store.save(rival)));

      // Assess
      expect(saved.filter(Boolean)).toHaveLength(1);
      expect(await store.latest()).toEqual(rivals[saved.indexOf(true)]);
    });

  });
}
