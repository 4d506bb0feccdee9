import { expect } from 'vitest';
import type { Job } from '../../lib/domain/Job.js';
import type { JobStore } from '../../lib/ports/JobStore.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

const T0 = '2026-03-01T00:00:00.000Z';
const T1 = '2026-03-01T00:10:00.000Z';
const LATER = '2026-03-01T01:00:00.000Z';

const job = (id: string, overrides: Partial<Job> = {}): Job => ({
  id,
  kind: 'reconcile',
  scope: 'chat',
  status: 'running',
  requestedBy: 'ops',
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  input: { app: 'chat', fix: false },
  slices: 0,
  ...overrides,
});

/**
 * What every JobStore adapter promises the job runner: a (kind, scope) slot held by one running job
 * at a time, freed when it finishes or when its lease lapses; saves conditional on the version.
 * `openStore` returns a fresh, empty store per test.
 */
export function describeJobStoreContract(name: string, openStore: () => Promise<JobStore>, options: ContractOptions = {}): void {
  describeContract(`JobStore contract: ${name}`, openStore, options, (clause) => {
    clause('stores a claimed job, and knows no other', async (store) => {
      expect(await store.claim(job('j1'), T1)).toEqual({ claimed: true });
      expect(await store.get('j1')).toEqual(job('j1'));
      expect(await store.get('nope')).toBeUndefined();
    });

    clause('refuses a second job of the kind and scope while the first runs, naming the first', async (store) => {
      await store.claim(job('j1'), T1);
      const second = await store.claim(job('j2', { createdAt: T0 }), T1);
      const otherScope = await store.claim(job('j3', { scope: 'code' }), T1);
      const otherKind = await store.claim(job('j4', { kind: 'preview' }), T1);
      expect(second).toEqual({ claimed: false, holder: job('j1') });
      expect(await store.get('j2')).toBeUndefined();
      expect([otherScope, otherKind]).toEqual([{ claimed: true }, { claimed: true }]);
    });

    clause('frees the slot when the job finishes', async (store) => {
      await store.claim(job('j1'), T1);
      expect(await store.save(job('j1', { status: 'succeeded', version: 2, slices: 1, result: { ok: true } }), T1)).toBe(true);
      expect(await store.claim(job('j2'), T1)).toEqual({ claimed: true });
      expect((await store.get('j1'))?.result).toEqual({ ok: true });
    });

    clause('frees the slot of a job whose lease lapsed (a crash), and keeps it while the lease is renewed', async (store) => {
      await store.claim(job('j1'), T1);
      await store.save(job('j1', { version: 2, slices: 1, progress: { next: 1 } }), LATER);
      const whileRenewed = await store.claim(job('j2', { createdAt: T1 }), T1);
      const afterLapse = await store.claim(job('j3', { createdAt: '2026-03-01T02:00:00.000Z' }), '2026-03-01T03:00:00.000Z');
      expect(whileRenewed).toMatchObject({ claimed: false, holder: { id: 'j1' } });
      expect(afterLapse).toEqual({ claimed: true });
    });

    clause('keeps parts by job and name, a part written again replacing the first', async (store) => {
      await store.claim(job('j1'), T1);
      await store.putPart('j1', 'input-0', [{ userName: 'a' }]);
      await store.putPart('j1', 'input-0', [{ userName: 'b' }]);
      await store.putPart('j1', 'result-0', { plans: [] });
      expect(await store.getPart('j1', 'input-0')).toEqual([{ userName: 'b' }]);
      expect(await store.getPart('j1', 'result-0')).toEqual({ plans: [] });
      expect(await store.getPart('j1', 'result-1')).toBeUndefined();
      expect(await store.getPart('j2', 'input-0')).toBeUndefined();
    });

    clause('saves only from the version it read', async (store) => {
      await store.claim(job('j1'), T1);
      const first = await store.save(job('j1', { version: 2, slices: 1, progress: { next: 1 } }), T1);
      const stale = await store.save(job('j1', { version: 2, slices: 1, progress: { next: 9 } }), T1);
      expect([first, stale]).toEqual([true, false]);
      expect((await store.get('j1'))?.progress).toEqual({ next: 1 });
    });
  });
}
