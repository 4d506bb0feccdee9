import { describe, expect, it } from 'vitest';
import { convergeOnPolicyChange, POLICY_CHAIN } from '../../../lib/application/scheduled/convergeOnPolicyChange.js';
import { policyFingerprint } from '../../../lib/application/scheduled/policyFingerprint.js';
import { parsePerimeterConfig } from '../../../lib/config/loadPerimeterConfig.js';
import type { Job } from '../../../lib/domain/Job.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';

const T0 = Date.parse('2026-12-01T09:00:00.000Z');

function watch(clock: { now: number }) {
  const store = new InMemoryLedgerStore();
  const now = (): Date => new Date(clock.now);
  const runs: boolean[] = [];
  const settled: string[][] = [];
  const deps = {
    ledgerStore: store,
    ledger: new Ledger(store, now),
    converge: async ({ dryRun }: { readonly dryRun: boolean }) => (runs.push(dryRun), { job: { id: `job-${runs.length}` } as Job, started: true }),
    settleNewApps: async (apps: readonly string[]) => settled.push([...apps]),
    now,
  };
  return {
    store,
    ledger: deps.ledger,
    runs,
    settled,
    check: (fingerprint: string, autoApply = false, apps: readonly string[] = []) => convergeOnPolicyChange(deps, { fingerprint, apps }, autoApply),
  };
}

describe('convergeOnPolicyChange', () => {
  it('records the first policy a deployment runs with and starts a dry run; the same policy again does nothing', async () => {
    const clock = { now: T0 };
    const { store, runs, check } = watch(clock);

    expect(await check('a'.repeat(64))).toEqual({ changed: true, applied: false, jobId: 'job-1' });
    clock.now += 60_000;
    expect(await check('a'.repeat(64))).toEqual({ changed: false });

    expect(runs).toEqual([true]);
    const chain = await store.chain(POLICY_CHAIN);
    expect(chain.map((event) => [event.type, (event.detail as { fingerprint: string }).fingerprint])).toEqual([['policy.changed', 'a'.repeat(64)]]);
  });

  it('applies the run with autoApply, and counts a return to an earlier policy as a change', async () => {
    const clock = { now: T0 };
    const { store, runs, check } = watch(clock);
    for (const fingerprint of ['a', 'b', 'a']) {
      await check(fingerprint.repeat(64), true);
      clock.now += 60_000;
    }
    expect(runs).toEqual([false, false, false]);
    expect((await store.chain(POLICY_CHAIN)).map((event) => (event.detail as { previous?: string }).previous?.[0] ?? null)).toEqual([null, 'a', 'b']);
  });

  it('records a change two processes notice at once once, and starts one run', async () => {
    const clock = { now: T0 };
    const { store, runs, check } = watch(clock);
    await check('a'.repeat(64));
    clock.now += 60_000;
    const first = check('b'.repeat(64));
    clock.now += 1;
    const second = check('b'.repeat(64));
    const outcomes = await Promise.all([first, second]);
    expect(outcomes.filter((outcome) => outcome.changed)).toHaveLength(1);
    expect(runs).toHaveLength(2);
    expect(await store.chain(POLICY_CHAIN)).toHaveLength(2);
  });
});

describe('convergeOnPolicyChange and new apps', () => {
  it('settles every app on a first start, then only the apps a change adds, before recording it', async () => {
    const clock = { now: T0 };
    const { store, settled, check } = watch(clock);
    await check('a'.repeat(64), false, ['crm', 'slack']);
    clock.now += 60_000;
    await check('b'.repeat(64), false, ['crm', 'github', 'slack']);
    clock.now += 60_000;
    // A rule change, same apps: nothing is new.
    await check('c'.repeat(64), false, ['crm', 'github', 'slack']);
    expect(settled).toEqual([['crm', 'slack'], ['github']]);
    const details = (await store.chain(POLICY_CHAIN)).map((event) => event.detail as { apps: string[]; newApps?: string[] });
    expect(details.map((detail) => detail.newApps ?? [])).toEqual([['crm', 'slack'], ['github'], []]);
    expect(details[2]!.apps).toEqual(['crm', 'github', 'slack']);
  });

  it('treats no app as new after an upgrade whose last recorded policy did not list its apps', async () => {
    const clock = { now: T0 };
    const { ledger, settled, check } = watch(clock);
    await ledger.append({
      eventId: 'policy:old',
      chain: POLICY_CHAIN,
      type: 'policy.changed',
      occurredAt: new Date(T0 - 1000).toISOString(),
      source: { channel: 'schedule', actor: 'policy-watch' },
      outcome: 'recorded',
      detail: { fingerprint: 'f'.repeat(64), convergence: 'dry-run' },
    });
    clock.now += 1000;
    expect(await check('a'.repeat(64), false, ['crm'])).toMatchObject({ changed: true });
    expect(settled).toEqual([]);
  });
});

describe('policyFingerprint', () => {
  const config = (extra: Record<string, unknown>) => parsePerimeterConfig({ connectors: [{ id: 'crm', type: 'scim', settings: { baseUrl: 'https://crm.example/scim' } }], ...extra }, 'test');

  it('changes with the rules, the apps and the leaver plans', () => {
    const base = policyFingerprint(config({}));
    expect(policyFingerprint(config({ policy: { rules: [{ id: 'everyone-crm', grant: [{ app: 'crm' }] }] } }))).not.toBe(base);
    expect(policyFingerprint(parsePerimeterConfig({}, 'test'))).not.toBe(base);
    expect(policyFingerprint(config({ leaver: { default: { actions: ['disable'] } } }))).not.toBe(base);
  });

  it('does not change with tuning or settings', () => {
    const base = policyFingerprint(config({}));
    const tuned = parsePerimeterConfig({ connectors: [{ id: 'crm', type: 'scim', settings: { baseUrl: 'https://other.example/scim' }, concurrency: 9, ratePerSecond: 3 }] }, 'test');
    expect(policyFingerprint(tuned)).toBe(base);
    expect(policyFingerprint(config({ reconciliation: { intervalMinutes: 5 } }))).toBe(base);
  });
});
