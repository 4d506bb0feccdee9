import { describe, expect, it } from 'vitest';
import { OCSF_VERSION, mapToOcsf } from '../../../lib/audit/mapToOcsf.js';
import { toOcsf } from '../../../lib/audit/toOcsf.js';
import type { LedgerEvent, LedgerEventDraft } from '../../../lib/domain/LedgerEvent.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import { LedgerFixture, collect, stepDraft, stream } from './auditFixtures.js';
import { validateOcsfEvent } from './ocsfClassDefinitions.js';

const ada: PersonSnapshot = { id: 'p1', userName: 'ada@example.com', active: true, displayName: 'Ada Lovelace', email: 'ada@example.com' };

function lifecycle(kind: string, before: PersonSnapshot | null, after: PersonSnapshot | null, eventId: string): LedgerEventDraft {
  return {
    eventId,
    chain: 'person#p1',
    type: `lifecycle.${kind}`,
    occurredAt: '2026-01-01T09:00:00.000Z',
    source: { channel: 'scim', actor: 'okta', requestId: `req-${eventId}`, operation: 'PATCH /Users/{id}' },
    outcome: 'recorded',
    personId: 'p1',
    before,
    after,
    detail: { changes: ['active'] },
  };
}

function step(action: string, outcome: LedgerEventDraft['outcome'], extra: Partial<LedgerEventDraft> = {}): LedgerEventDraft {
  return { ...stepDraft('access#p1#slack', `${action}-${outcome}`), type: `step.${action}`, outcome, ...extra };
}

// What each ledger event type becomes: [draft, class_uid, activity_id, activity_name].
const CASES: readonly [string, LedgerEventDraft, number, number, string][] = [
  ['joiner (new person)', lifecycle('joiner', null, ada, 'j1'), 3001, 1, 'Create'],
  ['joiner (rehire)', lifecycle('joiner', { ...ada, active: false }, ada, 'j2'), 3001, 2, 'Enable'],
  ['leaver (deactivated)', lifecycle('leaver', ada, { ...ada, active: false }, 'l1'), 3001, 5, 'Disable'],
  ['leaver (deleted)', lifecycle('leaver', ada, null, 'l2'), 3001, 6, 'Delete'],
  ['mover', lifecycle('mover', ada, { ...ada, title: 'CTO' }, 'm1'), 3001, 99, 'Update'],
  ['step.createAccount', step('createAccount', 'applied', { entitlement: undefined }), 3001, 1, 'Create'],
  ['step.updateAccount', step('updateAccount', 'applied', { entitlement: undefined }), 3001, 99, 'Update'],
  ['step.disableAccount', step('disableAccount', 'dead-lettered', { entitlement: undefined }), 3001, 5, 'Disable'],
  ['step.deleteAccount', step('deleteAccount', 'applied', { entitlement: undefined }), 3001, 6, 'Delete'],
  ['step.revokeSessions', step('revokeSessions', 'skipped', { entitlement: undefined }), 3001, 99, 'Revoke Sessions'],
  ['step.transferOwnership', step('transferOwnership', 'applied', { entitlement: undefined }), 3001, 99, 'Transfer Ownership'],
  ['step.grant', step('grant', 'applied'), 3005, 1, 'Assign Privileges'],
  ['step.revoke', step('revoke', 'failed'), 3005, 2, 'Revoke Privileges'],
  [
    'admin.lockout',
    { ...lifecycle('x', null, null, 'lock'), type: 'admin.lockout', source: { channel: 'admin', actor: 'alice-admin', requestId: 'r1' }, before: undefined, after: undefined },
    3001, 9, 'Lock',
  ],
  [
    'admin.unlock',
    { ...lifecycle('x', null, null, 'unlock'), type: 'admin.unlock', source: { channel: 'admin', actor: 'alice-admin', requestId: 'r2' }, before: undefined, after: undefined },
    3001, 12, 'Unlock',
  ],
  [
    'group.created',
    { ...lifecycle('x', null, null, 'g1'), chain: 'group#g1', type: 'group.created', personId: undefined, before: undefined, after: { displayName: 'Engineering' } },
    3006, 6, 'Create',
  ],
  ['a step with no person or app (no target user to name)', step('grant', 'applied', { personId: undefined, app: undefined }), 0, 99, 'step.grant'],
  [
    'rotation.setSecret (no identity class)',
    { eventId: 'rot', chain: 'credential#perimeter/slack', type: 'rotation.setSecret', occurredAt: '2026-01-01T00:00:00.000Z', source: { channel: 'system', actor: 'rotation' }, outcome: 'applied', detail: { versionId: 'v2' } },
    0, 99, 'rotation.setSecret',
  ],
];

async function record(draft: LedgerEventDraft): Promise<LedgerEvent> {
  return new LedgerFixture().append(draft);
}

describe('mapToOcsf', () => {
  it.each(CASES)('maps %s to the right class and activity, conforming to the OCSF 1.5.0 definition', async (_name, draft, classUid, activityId, activityName) => {
    // Prepare
    const event = await record(draft);

    // Act
    const ocsf = JSON.parse(JSON.stringify(mapToOcsf(event))) as Record<string, unknown>;

    // Assess
    expect(validateOcsfEvent(ocsf)).toEqual([]);
    expect(ocsf).toMatchObject({
      class_uid: classUid,
      category_uid: classUid === 0 ? 0 : 3,
      activity_id: activityId,
      activity_name: activityName,
      type_uid: classUid * 100 + activityId,
      time: Date.parse(event.occurredAt),
      metadata: {
        version: OCSF_VERSION,
        product: { name: 'Perimeter', vendor_name: 'Perimeter' },
        uid: event.eventId,
        event_code: event.type,
        logged_time: Date.parse(event.recordedAt),
        sequence: event.seq,
      },
      unmapped: { chain: event.chain, seq: event.seq, hash: event.hash, prev_hash: event.prevHash },
    });
  });

  it('derives status and severity from the outcome, with the error as status_detail', async () => {
    // Prepare
    const applied = await record(step('grant', 'applied'));
    const failed = await record(step('grant', 'failed', { detail: { error: 'HTTP 503', attempt: 1 } }));
    const dead = await record(step('revoke', 'dead-lettered', { detail: { error: 'HTTP 403 forbidden', attempts: 5 } }));

    // Act
    const [a, f, d] = [applied, failed, dead].map((event) => mapToOcsf(event));

    // Assess
    expect(a).toMatchObject({ status_id: 1, status: 'Success', severity_id: 1, severity: 'Informational' });
    expect(a?.status_detail).toBeUndefined();
    expect(f).toMatchObject({ status_id: 2, status: 'Failure', status_detail: 'HTTP 503', severity_id: 2 });
    expect(d).toMatchObject({ status_id: 2, status: 'Failure', status_detail: 'HTTP 403 forbidden', severity_id: 3 });
  });

  it('names the target user, the actor, the app and the privilege', async () => {
    // Prepare
    const joiner = await record(lifecycle('joiner', null, ada, 'j1'));
    const grant = await record(step('grant', 'applied'));
    const lockout = await record({ ...lifecycle('x', null, null, 'lock'), type: 'admin.lockout', source: { channel: 'admin', actor: 'alice-admin' }, before: undefined, after: undefined });

    // Act
    const j = mapToOcsf(joiner);
    const g = mapToOcsf(grant, { personName: (id) => (id === 'p1' ? 'ada@example.com' : undefined) });
    const l = mapToOcsf(lockout);

    // Assess
    expect(j.user).toEqual({ uid: 'p1', name: 'ada@example.com', email_addr: 'ada@example.com', full_name: 'Ada Lovelace' });
    expect(j.actor).toEqual({ app_name: 'okta' });
    expect(j.metadata.correlation_uid).toBe(joiner.eventId);
    expect(g.user).toEqual({ uid: 'p1', name: 'ada@example.com', account: { uid: 'slack', name: 'slack', type_id: 99, type: 'SaaS application' } });
    expect(g.privileges).toEqual(['group:engineering']);
    expect(g.resources).toEqual([{ uid: 'slack', name: 'slack', type: 'SaaS application' }]);
    expect(g.actor).toEqual({ app_name: 'fanout' });
    expect(g.metadata.correlation_uid).toBe('lc-1');
    expect(g.unmapped).toMatchObject({ rule: 'engineering-birthright', entitlement: 'group:engineering', app: 'slack' });
    expect(l.actor).toEqual({ user: { uid: 'alice-admin', name: 'alice-admin' } });
    expect(l.user).toEqual({ uid: 'p1' });
  });
});

describe('toOcsf', () => {
  it('writes JSON Lines, one conforming OCSF event per ledger event, in order', async () => {
    // Prepare
    const events: LedgerEvent[] = [];
    for (const [, draft] of CASES) events.push(await record(draft));

    // Act
    const lines = (await collect(toOcsf(stream(events)))).split('\n');

    // Assess
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(events.length);
    lines.forEach((line, i) => {
      const ocsf = JSON.parse(line) as Record<string, unknown>;
      expect(validateOcsfEvent(ocsf)).toEqual([]);
      expect((ocsf.metadata as { uid: string }).uid).toBe(events[i]?.eventId);
    });
  });

  it('is checked by a validator that does reject non-conforming events', () => {
    // Prepare: the validator must catch what it claims to, or the conformance tests prove nothing.
    const good = mapToOcsf({
      eventId: 'e', chain: 'access#p1#slack', type: 'step.grant', occurredAt: '2026-01-01T00:00:00.000Z',
      source: { channel: 'system', actor: 'fanout' }, outcome: 'applied', personId: 'p1', app: 'slack', entitlement: 'x',
      seq: 1, recordedAt: '2026-01-01T00:00:00.000Z', prevHash: '0'.repeat(64), hash: 'f'.repeat(64),
    });
    const json = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;

    // Act
    const problems = [
      validateOcsfEvent({ ...json, type_uid: 300101 }),
      validateOcsfEvent({ ...json, activity_id: 7 }),
      validateOcsfEvent({ ...json, privileges: undefined }),
      validateOcsfEvent({ ...json, dst_endpoint: { name: 'slack' } }),
      validateOcsfEvent({ ...json, user: {} }),
      validateOcsfEvent({ ...json, severity_id: 7 }),
    ];

    // Assess
    expect(validateOcsfEvent(json)).toEqual([]);
    for (const found of problems) expect(found.length).toBeGreaterThan(0);
  });
});
