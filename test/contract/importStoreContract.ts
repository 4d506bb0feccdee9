import { expect } from 'vitest';
import type { ConnectorImport } from '../../lib/domain/ConnectorImport.js';
import type { ImportStore } from '../../lib/ports/ImportStore.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

const state = (app: string, version: number, reportId = 'report-1'): ConnectorImport => ({
  app,
  changedAt: '2026-12-01T00:00:00.000Z',
  version,
  ...(version >= 1 ? { report: { reportId, checkedAt: '2026-12-01T00:00:00.000Z', counts: { accounts: 3, linked: 1, ambiguous: 1, unmatched: 1, alreadyLinked: 0 }, parts: 1 } } : {}),
});

/**
 * What every ImportStore adapter promises the import flow: one state per app, replaced only by the
 * writer that read the version before it, so an approval and a second import never both win.
 */
export function describeImportStoreContract(name: string, openStore: () => Promise<ImportStore>, options: ContractOptions = {}): void {
  describeContract(`ImportStore contract: ${name}`, openStore, options, (clause) => {
    clause('has no state for an app never saved', async (store) => {
      expect(await store.get('crm')).toBeUndefined();
    });

    clause('saves a first state and each next version, and reads back what it saved', async (store) => {
      // Act
      const first = await store.save(state('crm', 1));
      const second = await store.save(state('crm', 2, 'report-2'));

      // Assess
      expect([first, second]).toEqual([true, true]);
      expect(await store.get('crm')).toEqual(state('crm', 2, 'report-2'));
    });

    clause('refuses a save whose version does not follow the stored one', async (store) => {
      // Prepare
      await store.save(state('crm', 1));
      await store.save(state('crm', 2));

      // Act
      const again = await store.save(state('crm', 1));
      const stale = await store.save(state('crm', 2, 'report-2'));
      const skipping = await store.save(state('crm', 4, 'report-4'));

      // Assess
      expect([again, stale, skipping]).toEqual([false, false, false]);
      expect((await store.get('crm'))?.report?.reportId).toBe('report-1');
    });

    clause('of two writers saving the same next version, exactly one wins', async (store) => {
      // Prepare
      await store.save(state('crm', 1));

      // Act
      const outcomes = await Promise.all([store.save(state('crm', 2, 'report-2')), store.save(state('crm', 2, 'report-3'))]);

      // Assess
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });

    clause('keeps each app\'s state apart', async (store) => {
      // Prepare
      await store.save(state('crm', 1, 'report-crm'));

      // Act
      const slackFirst = await store.save(state('slack', 1, 'report-slack'));

      // Assess
      expect(slackFirst).toBe(true);
      expect((await store.get('crm'))?.report?.reportId).toBe('report-crm');
      expect((await store.get('slack'))?.report?.reportId).toBe('report-slack');
    });
  });
}
