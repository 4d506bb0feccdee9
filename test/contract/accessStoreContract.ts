import { expect } from 'vitest';
import { AccessError } from '../../lib/domain/AccessError.js';
import type { PlannedAccess } from '../../lib/domain/AccessRecords.js';
import type { PlanStep } from '../../lib/domain/PlanStep.js';
import type { AccessStore } from '../../lib/ports/AccessStore.js';
import { rejection } from '../support/rejection.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

const AT = '2026-03-01T12:00:00.000Z';
const LATER = '2026-03-01T12:05:00.000Z';

const pendingStep = (personId: string, app: string, n: number): PlanStep => ({
  stepId: `${personId}-${app}-grant-${n}`,
  eventId: `evt-${personId}`,
  plannedAt: AT,
  personId,
  app,
  action: 'grant',
  sequence: n,
  entitlement: `team:${n}`,
  rules: ['engineering-birthright'],
  reason: `rule engineering-birthright grants team:${n}`,
  person: { id: personId, userName: `${personId}@example.com`, active: true },
});

/** A plan at `version`; with pending steps unless told otherwise. */
const plan = (personId: string, version: number, overrides: Partial<PlannedAccess> = {}): PlannedAccess => ({
  personId,
  version,
  apps: { github: { status: 'active', entitlements: [`team:${version}`] } },
  locked: false,
  plannedEvents: [`evt-${personId}-${version}`],
  pendingSteps: [pendingStep(personId, 'github', version)],
  ...overrides,
});

const withoutPending = ({ pendingSteps: _pending, ...rest }: PlannedAccess): PlannedAccess => rest;

/**
 * What every AccessStore adapter promises the planner and the executor: planned access written
 * with optimistic versions (AccessError 'versionMismatch'), "pending" plans (steps planned but not
 * yet confirmed queued) listed for crash recovery until cleared, and actual access as a projection
 * of idempotent set operations. `openStore` returns a fresh, empty store per test.
 */
export function describeAccessStoreContract(name: string, openStore: () => Promise<AccessStore>, options: ContractOptions = {}): void {
  describeContract(`AccessStore contract: ${name}`, openStore, options, (clause) => {
    clause('knows nothing about a person it never stored', async (store) => {
      // Act
      const planned = await store.getPlanned('p-nobody');
      const actual = await store.getActual('p-nobody', 'github');
      const list = await store.listActual('p-nobody');

      // Assess
      expect([planned, actual, list]).toEqual([undefined, undefined, []]);
      expect(await store.listPendingPlans(10)).toEqual([]);
      expect(await store.listActualByApp('github')).toEqual([]);
    });

    clause('creates planned access at version 1 and reads it back exactly', async (store) => {
      // Prepare
      const first = plan('p1', 1, { locked: true, apps: { github: { status: 'disabled', entitlements: ['team:a', 'team:b'], accountId: 'gh-1' } } });

      // Act
      await store.putPlanned(first);

      // Assess
      expect(await store.getPlanned('p1')).toEqual(first);
    });

    clause('writes version n+1 over version n, and refuses any other version as versionMismatch', async (store) => {
      // Prepare
      await store.putPlanned(plan('p1', 1));
      await store.putPlanned(plan('p1', 2));

      // Act
      const stale = await rejection(store.putPlanned(plan('p1', 2, { locked: true })), AccessError);
      const again = await rejection(store.putPlanned(plan('p1', 1)), AccessError);
      const skipping = await rejection(store.putPlanned(plan('p1', 4)), AccessError);

      // Assess
      expect([stale.code, again.code, skipping.code]).toEqual(['versionMismatch', 'versionMismatch', 'versionMismatch']);
      expect(await store.getPlanned('p1')).toEqual(plan('p1', 2));
    });

    clause('refuses a version above 1 for a person with no planned access yet', async (store) => {
      // Act
      const error = await rejection(store.putPlanned(plan('p1', 2)), AccessError);

      // Assess
      expect(error.code).toBe('versionMismatch');
      expect(await store.getPlanned('p1')).toBeUndefined();
    });

    clause('lets exactly one of two planners write the same next version', async (store) => {
      // Prepare
      await store.putPlanned(plan('p1', 1));
      const rivals = [plan('p1', 2, { locked: true }), plan('p1', 2, { locked: false, plannedEvents: ['evt-other'] })];

      // Act
      const outcomes = await Promise.allSettled(rivals.map((rival) => store.putPlanned(rival)));

      // Assess
      const won = outcomes.findIndex((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(AccessError);
      expect((lost[0]?.reason as AccessError).code).toBe('versionMismatch');
      expect(await store.getPlanned('p1')).toEqual(rivals[won]);
    });

    clause('lists plans whose steps are not confirmed queued, by person id, up to the limit', async (store) => {
      // Prepare
      await store.putPlanned(plan('p3', 1));
      await store.putPlanned(withoutPending(plan('p2', 1)));
      await store.putPlanned(plan('p1', 1));
      await store.putPlanned(plan('p4', 1, { pendingSteps: [] }));
      await store.putPlanned(plan('p5', 1));

      // Act
      const all = await store.listPendingPlans(10);
      const first = await store.listPendingPlans(2);

      // Assess
      expect(all).toEqual([plan('p1', 1), plan('p3', 1), plan('p5', 1)]);
      expect(first.map((pending) => pending.personId)).toEqual(['p1', 'p3']);
    });

    clause('clears pending steps at the version that planned them, keeping the rest of the plan', async (store) => {
      // Prepare
      await store.putPlanned(plan('p1', 1));
      await store.putPlanned(plan('p2', 1));

      // Act
      await store.clearPendingSteps('p1', 1);

      // Assess
      expect(await store.getPlanned('p1')).toEqual(withoutPending(plan('p1', 1)));
      expect((await store.listPendingPlans(10)).map((pending) => pending.personId)).toEqual(['p2']);
      // Clearing does not move the version: the next plan is still version 2.
      await store.putPlanned(plan('p1', 2));
      expect((await store.getPlanned('p1'))?.version).toBe(2);
    });

    clause('leaves the pending steps of a newer plan when asked to clear an older version', async (store) => {
      // Prepare
      await store.putPlanned(plan('p1', 1));
      await store.putPlanned(plan('p1', 2));

      // Act
      await store.clearPendingSteps('p1', 1);
      await store.clearPendingSteps('p-nobody', 1);

      // Assess
      expect(await store.getPlanned('p1')).toEqual(plan('p1', 2));
      expect(await store.listPendingPlans(10)).toEqual([plan('p1', 2)]);
      expect(await store.getPlanned('p-nobody')).toBeUndefined();
    });

    clause('stops listing a plan once a later version without pending steps replaces it', async (store) => {
      // Prepare
      await store.putPlanned(plan('p1', 1));

      // Act
      await store.putPlanned(withoutPending(plan('p1', 2)));

      // Assess
      expect(await store.listPendingPlans(10)).toEqual([]);
    });

    clause('keeps a copy of what was written, not the caller\'s object', async (store) => {
      // Prepare
      const written = plan('p1', 1);
      await store.putPlanned(written);

      // Act
      (written.plannedEvents as string[]).push('evt-changed-after-the-write');
      const read = await store.getPlanned('p1');
      (read?.plannedEvents as string[]).push('evt-changed-after-the-read');

      // Assess
      expect((await store.getPlanned('p1'))?.plannedEvents).toEqual(['evt-p1-1']);
    });

    clause('records a first outcome as an active account with no entitlements unless told more', async (store) => {
      // Act
      await store.applyActual('p1', 'github', { at: AT });
      await store.applyActual('p1', 'slack', { at: AT, accountId: 'U123', status: 'disabled' });

      // Assess
      expect(await store.getActual('p1', 'github')).toEqual({ personId: 'p1', app: 'github', status: 'active', entitlements: [], updatedAt: AT });
      expect(await store.getActual('p1', 'slack')).toEqual({ personId: 'p1', app: 'slack', status: 'disabled', entitlements: [], accountId: 'U123', updatedAt: AT });
    });

    clause('adds and removes entitlements as a set: sorted, and repeating a step changes nothing', async (store) => {
      // Act
      await store.applyActual('p1', 'github', { at: AT, accountId: 'gh-1', addEntitlement: 'team:zeta' });
      await store.applyActual('p1', 'github', { at: AT, addEntitlement: 'team:alpha' });
      await store.applyActual('p1', 'github', { at: AT, addEntitlement: 'team:alpha' });
      await store.applyActual('p1', 'github', { at: AT, addEntitlement: 'team:mid' });
      const added = await store.getActual('p1', 'github');
      await store.applyActual('p1', 'github', { at: LATER, removeEntitlement: 'team:mid' });
      await store.applyActual('p1', 'github', { at: LATER, removeEntitlement: 'team:mid' });
      await store.applyActual('p1', 'github', { at: LATER, removeEntitlement: 'team:never-granted' });

      // Assess
      expect(added?.entitlements).toEqual(['team:alpha', 'team:mid', 'team:zeta']);
      expect(await store.getActual('p1', 'github')).toEqual({
        personId: 'p1',
        app: 'github',
        status: 'active',
        entitlements: ['team:alpha', 'team:zeta'],
        accountId: 'gh-1',
        updatedAt: LATER,
      });
    });

    clause('reads an account whose last entitlement was removed as having none', async (store) => {
      // Prepare
      await store.applyActual('p1', 'github', { at: AT, addEntitlement: 'team:only' });

      // Act
      await store.applyActual('p1', 'github', { at: LATER, removeEntitlement: 'team:only' });

      // Assess
      expect((await store.getActual('p1', 'github'))?.entitlements).toEqual([]);
    });

    clause('changes status and account id without losing the entitlements', async (store) => {
      // Prepare
      await store.applyActual('p1', 'github', { at: AT, accountId: 'gh-1', addEntitlement: 'team:a' });

      // Act
      await store.applyActual('p1', 'github', { at: LATER, status: 'disabled' });
      const disabled = await store.getActual('p1', 'github');
      await store.applyActual('p1', 'github', { at: LATER, status: 'active', accountId: 'gh-2' });

      // Assess
      expect(disabled).toMatchObject({ status: 'disabled', accountId: 'gh-1', entitlements: ['team:a'] });
      expect(await store.getActual('p1', 'github')).toMatchObject({ status: 'active', accountId: 'gh-2', entitlements: ['team:a'] });
    });

    clause('keeps both of two entitlements granted at the same time', async (store) => {
      // Act
      await Promise.all(['team:a', 'team:b', 'team:c'].map((entitlement) => store.applyActual('p1', 'github', { at: AT, addEntitlement: entitlement })));

      // Assess
      expect((await store.getActual('p1', 'github'))?.entitlements).toEqual(['team:a', 'team:b', 'team:c']);
    });

    clause('lists a person\'s actual access by app, and an app\'s by person, and nothing planned', async (store) => {
      // Prepare
      await store.putPlanned(plan('p1', 1));
      for (const [personId, app] of [['p2', 'slack'], ['p1', 'slack'], ['p1', 'github'], ['p3', 'github'], ['p1', 'okta']] as const) {
        await store.applyActual(personId, app, { at: AT, accountId: `${app}-${personId}` });
      }

      // Act
      const ofPerson = await store.listActual('p1');
      const ofApp = await store.listActualByApp('slack');

      // Assess
      expect(ofPerson.map((access) => access.app)).toEqual(['github', 'okta', 'slack']);
      expect(ofApp.map((access) => [access.personId, access.accountId])).toEqual([['p1', 'slack-p1'], ['p2', 'slack-p2']]);
      expect(await store.listActual('p3')).toEqual([{ personId: 'p3', app: 'github', status: 'active', entitlements: [], accountId: 'github-p3', updatedAt: AT }]);
    });


    clause('links an app account to one person: a second person is refused and told who holds it', async (store) => {
      // Act
      const first = await store.linkAccount('p1', 'github', 'alice', AT);
      const again = await store.linkAccount('p1', 'github', 'alice', LATER);
      const other = await store.linkAccount('p2', 'github', 'alice', LATER);

      // Assess
      expect([first, again, other]).toEqual([{ linked: true }, { linked: true }, { linked: false, holder: 'p1' }]);
      expect(await store.accountHolder('github', 'alice')).toBe('p1');
      expect(await store.accountHolder('github', 'bob')).toBeUndefined();
    });

    clause('lets exactly one of several people link the same account at once', async (store) => {
      // Prepare
      const people = ['p1', 'p2', 'p3', 'p4', 'p5'];

      // Act
      const outcomes = await Promise.all(people.map((personId) => store.linkAccount(personId, 'slack', 'U1', AT)));

      // Assess
      const winners = people.filter((_, i) => outcomes[i]?.linked);
      expect(winners).toHaveLength(1);
      expect(outcomes.filter((outcome) => !outcome.linked)).toEqual(people.slice(1).map(() => ({ linked: false, holder: winners[0] })));
      expect(await store.accountHolder('slack', 'U1')).toBe(winners[0]);
    });

    clause('keeps links of the same account id in two apps, and ids that share separators, apart', async (store) => {
      // Act
      await store.linkAccount('p1', 'a#b', 'c', AT);
      const otherApp = await store.linkAccount('p2', 'a', 'b#c', AT);
      const sameIdElsewhere = await store.linkAccount('p3', 'slack', 'c', AT);

      // Assess
      expect([otherApp, sameIdElsewhere]).toEqual([{ linked: true }, { linked: true }]);
      expect([await store.accountHolder('a#b', 'c'), await store.accountHolder('a', 'b#c'), await store.accountHolder('slack', 'c')]).toEqual(['p1', 'p2', 'p3']);
    });

    clause('releases a link only for its holder, after which another person may link the account', async (store) => {
      // Prepare
      await store.linkAccount('p1', 'github', 'alice', AT);

      // Act
      await store.unlinkAccount('p2', 'github', 'alice');
      const held = await store.accountHolder('github', 'alice');
      await store.unlinkAccount('p1', 'github', 'alice');
      await store.unlinkAccount('p1', 'github', 'never-linked');
      const released = await store.accountHolder('github', 'alice');
      const relinked = await store.linkAccount('p2', 'github', 'alice', LATER);

      // Assess
      expect([held, released, relinked]).toEqual(['p1', undefined, { linked: true }]);
    });

    clause('counts an account id recorded in actual access before links existed as that person\'s link', async (store) => {
      // Prepare: rows as an older Perimeter wrote them, with no link record.
      await store.applyActual('p1', 'github', { at: AT, status: 'disabled', accountId: 'alice' });
      await store.applyActual('p3', 'github', { at: AT, status: 'deleted', accountId: 'carol' });

      // Act
      const holder = await store.accountHolder('github', 'alice');
      const other = await store.linkAccount('p2', 'github', 'alice', LATER);
      const ofDeleted = await store.accountHolder('github', 'carol');

      // Assess
      expect(holder).toBe('p1');
      expect(other).toEqual({ linked: false, holder: 'p1' });
      expect(ofDeleted).toBeUndefined();
      expect(await store.listActualByApp('github')).toHaveLength(2);
    });

  });
}
