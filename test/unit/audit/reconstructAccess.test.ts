import { describe, expect, it } from 'vitest';
import { reconstructAccess } from '../../../lib/audit/reconstructAccess.js';
import { LedgerFixture, stepDraft } from './auditFixtures.js';

describe('reconstructAccess', () => {
  it('lists apps by name, whatever order the fan-out recorded them in', async () => {
    const fixture = new LedgerFixture();
    const events = [
      await fixture.append({ ...stepDraft('person#p1#code', 'a'), type: 'step.createAccount', entitlement: undefined }),
      await fixture.append({ ...stepDraft('person#p1#chat', 'b'), type: 'step.createAccount', entitlement: undefined }),
      await fixture.append({ ...stepDraft('person#p1#code', 'c') }),
    ];

    const access = [...reconstructAccess(events).values()];

    expect(access.map((a) => [a.app, a.status, a.entitlements.map((e) => [e.entitlement, e.rules])])).toEqual([
      ['chat', 'active', []],
      ['code', 'active', [['group:engineering', ['engineering-birthright']]]],
    ]);
  });

  it('counts only effects that held: failed steps change nothing, a disable keeps grants, a delete clears them', async () => {
    const fixture = new LedgerFixture();
    const events = [
      await fixture.append({ ...stepDraft('person#p1#code', 'a'), type: 'step.createAccount', entitlement: undefined }),
      await fixture.append({ ...stepDraft('person#p1#code', 'b') }),
      await fixture.append({ ...stepDraft('person#p1#code', 'c'), type: 'step.grant', entitlement: 'admin', outcome: 'failed' }),
      await fixture.append({ ...stepDraft('person#p1#code', 'd'), type: 'step.disableAccount', entitlement: undefined }),
    ];

    const disabled = reconstructAccess(events).get('code');
    const deleted = reconstructAccess([
      ...events,
      await fixture.append({ ...stepDraft('person#p1#code', 'e'), type: 'step.deleteAccount', entitlement: undefined }),
    ]).get('code');

    expect([disabled?.status, disabled?.entitlements.map((e) => e.entitlement)]).toEqual(['disabled', ['group:engineering']]);
    expect([deleted?.status, deleted?.entitlements]).toEqual(['deleted', []]);
  });
});
