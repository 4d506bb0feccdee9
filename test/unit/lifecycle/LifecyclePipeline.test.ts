import { describe, expect, it } from 'vitest';
import type { LedgerEventDraft } from '../../../lib/domain/LedgerEvent.js';
import type { LifecycleEvent } from '../../../lib/domain/LifecycleEvent.js';
import type { Ledger } from '../../../lib/ledger/Ledger.js';
import { LifecyclePipeline } from '../../../lib/lifecycle/LifecyclePipeline.js';

const event = (eventId: string, personId: string): LifecycleEvent => ({
  eventId,
  kind: 'mover',
  personId,
  occurredAt: '2026-03-01T12:00:00.000Z',
  source: { channel: 'scim', actor: 'okta' },
  before: { id: personId, userName: personId, active: true },
  after: { id: personId, userName: personId, active: true },
  changes: ['groups'],
});

describe('LifecyclePipeline', () => {
  it("records different people's events side by side, each person's in order, then the related events, then plans", async () => {
    // Prepare: ann's first append waits until bob's has started, which only happens if they overlap
    const order: string[] = [];
    let bobStarted = (): void => undefined;
    const bobHasStarted = new Promise<void>((resolve) => {
      bobStarted = resolve;
    });
    const ledger = {
      append: async (draft: LedgerEventDraft) => {
        order.push(`start ${draft.eventId}`);
        if (draft.eventId === 'bob-1') bobStarted();
        if (draft.eventId === 'ann-1') await bobHasStarted;
        order.push(`end ${draft.eventId}`);
        return draft;
      },
    } as unknown as Ledger;
    const planned: string[] = [];
    const pipeline = new LifecyclePipeline({ ledger, planner: { planEvent: async (planning) => planned.push(planning.eventId) } });
    const related: LedgerEventDraft = { eventId: 'group-1', chain: 'group#g1', type: 'group.updated', occurredAt: '2026-03-01T12:00:00.000Z', source: { channel: 'scim', actor: 'okta' }, outcome: 'recorded' };

    // Act
    await pipeline.run([event('ann-1', 'ann'), event('ann-2', 'ann'), event('bob-1', 'bob')], { recordedSince: '2026-03-01T12:00:00.000Z', related: [related] });

    // Assess
    expect(order.indexOf('start bob-1')).toBeLessThan(order.indexOf('end ann-1'));
    expect(order.indexOf('end ann-1')).toBeLessThan(order.indexOf('start ann-2'));
    expect(order.at(-1)).toBe('end group-1');
    expect(planned.sort()).toEqual(['ann-1', 'ann-2', 'bob-1']);
  });
});
