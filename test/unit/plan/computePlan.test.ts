import { describe, expect, it } from 'vitest';
import type { AppAccessState } from '../../../lib/domain/AccessRecords.js';
import { DEFAULT_LEAVER_PLAN } from '../../../lib/config/perimeterConfigSchema.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import { type AppCapabilities, computePlan, type LeaverSettings, type PlanInput } from '../../../lib/plan/computePlan.js';
import type { PlanStep } from '../../../lib/domain/PlanStep.js';
import { stepIdFor } from '../../../lib/plan/stepIdFor.js';
import type { DesiredAccess, DesiredApp } from '../../../lib/policy/DesiredAccess.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY_MS = 86_400_000;
const FULL: AppCapabilities = { accounts: true, entitlements: true, sessions: true, ownership: true };

const ann: PersonSnapshot = { id: 'p1', userName: 'ann@example.com', active: true, department: 'Engineering', manager: 'm1' };
const annLeft: PersonSnapshot = { ...ann, active: false };

/** Desired access from `app → { rules, entitlement → rules }`. */
const desire = (apps: Record<string, { rules: string[]; entitlements?: Record<string, string[]> }>): DesiredAccess =>
  new Map(
    Object.entries(apps).map(([app, d]): [string, DesiredApp] => [
      app,
      { app, accountRules: d.rules, entitlements: new Map(Object.entries(d.entitlements ?? {})) },
    ]),
  );

const capabilities = (apps: Record<string, Partial<AppCapabilities>>): Map<string, AppCapabilities> =>
  new Map(Object.entries(apps).map(([app, c]) => [app, { ...FULL, ...c }]));

const DEFAULT_LEAVER: LeaverSettings = { default: DEFAULT_LEAVER_PLAN, apps: {} };

const input = (overrides: Partial<PlanInput>): PlanInput => ({
  eventId: 'evt-1',
  person: ann,
  changes: [],
  desired: new Map(),
  planned: {},
  leaver: DEFAULT_LEAVER,
  capabilities: capabilities({ chat: {}, code: {}, docs: {} }),
  now: NOW,
  managerPersonId: 'm1',
  ...overrides,
});

/** `app:action[:entitlement]#sequence`, in plan order. */
const summary = (steps: readonly PlanStep[]): string[] =>
  steps.map((s) => `${s.app}:${s.action}${s.entitlement ? `:${s.entitlement}` : ''}#${s.sequence}`);

const active = (...entitlements: string[]): AppAccessState => ({ status: 'active', entitlements });

describe('computePlan', () => {
  describe('joiner', () => {
    it('creates each account, then grants its entitlements in order, numbered per app', () => {
      // Prepare
      const desired = desire({
        code: { rules: ['eng'], entitlements: { 'team:eng': ['eng'], 'repo:read': ['eng'] } },
        chat: { rules: ['everyone'] },
      });

      // Act
      const { plan, next } = computePlan(input({ desired }));

      // Assess
      expect(summary(plan.steps)).toEqual(['chat:createAccount#0', 'code:createAccount#0', 'code:grant:repo:read#1', 'code:grant:team:eng#2']);
      expect(next).toEqual({ chat: active(), code: active('repo:read', 'team:eng') });
      expect(plan).toMatchObject({ personId: 'p1', eventId: 'evt-1', notes: [] });
    });

    it('fills in every step: id from the event, rules, reason, person, planned time, no priority', () => {
      // Prepare
      const desired = desire({ code: { rules: ['eng', 'berlin'], entitlements: { 'team:eng': ['eng'] } } });

      // Act
      const { plan } = computePlan(input({ desired }));

      // Assess
      expect(plan.steps).toEqual([
        {
          stepId: stepIdFor('evt-1', 'code', 'createAccount'),
          eventId: 'evt-1',
          plannedAt: NOW.toISOString(),
          personId: 'p1',
          app: 'code',
          action: 'createAccount',
          sequence: 0,
          rules: ['berlin', 'eng'],
          reason: 'rule berlin, eng grants an account',
          person: ann,
        },
        {
          stepId: stepIdFor('evt-1', 'code', 'grant', 'team:eng'),
          eventId: 'evt-1',
          plannedAt: NOW.toISOString(),
          personId: 'p1',
          app: 'code',
          action: 'grant',
          sequence: 1,
          entitlement: 'team:eng',
          rules: ['eng'],
          reason: 'rule eng grants team:eng',
          person: ann,
        },
      ]);
    });

    it('notes an app whose connector cannot create accounts and plans nothing there', () => {
      // Prepare
      const desired = desire({ code: { rules: ['eng'], entitlements: { 'team:eng': ['eng'] } } });

      // Act
      const { plan, next } = computePlan(input({ desired, capabilities: capabilities({ code: { accounts: false } }) }));

      // Assess
      expect(plan.steps).toEqual([]);
      expect(plan.notes).toEqual(['code: the connector cannot create accounts; eng cannot be applied']);
      expect(next).toEqual({ code: { status: 'deleted', entitlements: [] } });
    });

    it('notes entitlements a connector cannot manage, and still creates the account', () => {
      // Prepare
      const desired = desire({ code: { rules: ['eng'], entitlements: { 'team:eng': ['eng'] } } });

      // Act
      const { plan, next } = computePlan(input({ desired, capabilities: capabilities({ code: { entitlements: false } }) }));

      // Assess
      expect(summary(plan.steps)).toEqual(['code:createAccount#0']);
      expect(plan.notes).toEqual(['code: the connector cannot manage entitlements; team:eng not granted']);
      expect(next).toEqual({ code: active() });
    });
  });

  describe('mover', () => {
    it('updates the account for a profile change, grants what is new and revokes what no rule justifies', () => {
      // Prepare
      const desired = desire({ code: { rules: ['sales'], entitlements: { 'team:sales': ['sales', 'crm-users'], 'repo:read': ['sales'] } } });
      const planned = { code: active('repo:read', 'team:eng') };

      // Act
      const { plan, next } = computePlan(input({ desired, planned, changes: ['department', 'groups', 'title'] }));

      // Assess
      expect(summary(plan.steps)).toEqual(['code:updateAccount#0', 'code:grant:team:sales#1', 'code:revoke:team:eng#2']);
      expect(plan.steps.map((s) => [s.reason, s.rules])).toEqual([
        ['profile changed: department, title', ['sales']],
        ['rule crm-users, sales grants team:sales', ['crm-users', 'sales']],
        ['no rule justifies team:eng any more', []],
      ]);
      expect(next).toEqual({ code: active('repo:read', 'team:sales') });
    });

    it('does not update the account when only group memberships changed', () => {
      // Prepare
      const desired = desire({ code: { rules: ['platform'], entitlements: { 'team:platform': ['platform'] } } });

      // Act
      const { plan, next } = computePlan(input({ desired, planned: { code: active() }, changes: ['groups'] }));

      // Assess
      expect(summary(plan.steps)).toEqual(['code:grant:team:platform#0']);
      expect(next).toEqual({ code: active('team:platform') });
    });

    it('plans nothing when what policy wants is already planned', () => {
      // Prepare
      const desired = desire({ code: { rules: ['eng'], entitlements: { 'team:eng': ['eng'] } } });
      const planned = { code: active('team:eng') };

      // Act
      const { plan, next } = computePlan(input({ desired, planned, changes: ['groups'] }));

      // Assess
      expect(plan.steps).toEqual([]);
      expect(next).toEqual(planned);
    });

    it('gives an app no rule grants any more its leaver actions, naming the reason', () => {
      // Prepare
      const desired = desire({ chat: { rules: ['everyone'] } });
      const planned = { chat: active(), code: active('team:eng', 'repo:read') };

      // Act
      const { plan, next } = computePlan(input({ desired, planned, changes: ['department'] }));

      // Assess
      expect(summary(plan.steps)).toEqual([
        'chat:updateAccount#0',
        'code:revokeSessions#0',
        'code:revoke:repo:read#1',
        'code:revoke:team:eng#2',
        'code:disableAccount#3',
      ]);
      expect(plan.steps.filter((s) => s.app === 'code').map((s) => s.reason)).toEqual([
        'no rule grants this app any more: end open sessions',
        'no rule grants this app any more: revoke repo:read',
        'no rule grants this app any more: revoke team:eng',
        'no rule grants this app any more: disable the account',
      ]);
      expect(plan.steps.filter((s) => s.app === 'code').every((s) => s.rules.length === 0)).toBe(true);
      expect(next).toEqual({ chat: active(), code: { status: 'disabled', entitlements: [] } });
    });

    it('re-creates an account that a leaver plan disabled (a rehire)', () => {
      // Prepare
      const desired = desire({ code: { rules: ['eng'], entitlements: { 'team:eng': ['eng'] } } });
      const planned: Record<string, AppAccessState> = { code: { status: 'disabled', entitlements: [] } };

      // Act
      const { plan, next } = computePlan(input({ desired, planned, changes: ['active'] }));

      // Assess
      expect(summary(plan.steps)).toEqual(['code:createAccount#0', 'code:grant:team:eng#1']);
      expect(next).toEqual({ code: active('team:eng') });
    });
  });

  describe('leaver', () => {
    it('runs the default plan in every app the person has: end sessions, revoke, disable', () => {
      // Prepare
      const planned = { chat: active(), code: active('team:eng', 'repo:read') };

      // Act
      const { plan, next } = computePlan(input({ person: annLeft, planned }));

      // Assess
      expect(summary(plan.steps)).toEqual([
        'chat:revokeSessions#0',
        'chat:disableAccount#1',
        'code:revokeSessions#0',
        'code:revoke:repo:read#1',
        'code:revoke:team:eng#2',
        'code:disableAccount#3',
      ]);
      expect(plan.steps.map((s) => s.reason)).toEqual([
        'leaver: end open sessions',
        'leaver: disable the account',
        'leaver: end open sessions',
        'leaver: revoke repo:read',
        'leaver: revoke team:eng',
        'leaver: disable the account',
      ]);
      expect(plan.notes).toEqual([]);
      expect(next).toEqual({ chat: { status: 'disabled', entitlements: [] }, code: { status: 'disabled', entitlements: [] } });
    });

    it('follows per-app plans: ownership to the manager, and deletion after the grace period', () => {
      // Prepare
      const leaver: LeaverSettings = {
        default: DEFAULT_LEAVER_PLAN,
        apps: { docs: { actions: ['revokeSessions', 'transferOwnership', 'revokeEntitlements', 'disable'], deleteAfterDays: 30 } },
      };
      const planned = { chat: active(), docs: active('drive:shared') };

      // Act
      const { plan, next } = computePlan(input({ person: annLeft, planned, leaver }));
      const deletion = plan.steps.find((s) => s.app === 'docs' && s.action === 'deleteAccount');
      const transfer = plan.steps.find((s) => s.action === 'transferOwnership');

      // Assess
      expect(summary(plan.steps)).toEqual([
        'chat:revokeSessions#0',
        'chat:disableAccount#1',
        'docs:revokeSessions#0',
        'docs:transferOwnership#1',
        'docs:revoke:drive:shared#2',
        'docs:disableAccount#3',
        'docs:deleteAccount#4',
      ]);
      expect(transfer).toMatchObject({ transferToPersonId: 'm1', reason: 'leaver: hand data to the manager' });
      expect(deletion).toMatchObject({
        notBefore: new Date(NOW.getTime() + 30 * DAY_MS).toISOString(),
        reason: 'leaver: delete after the 30-day grace period',
        stepId: stepIdFor('evt-1', 'docs', 'deleteAccount'),
      });
      expect(plan.steps.filter((s) => s !== deletion).every((s) => s.notBefore === undefined)).toBe(true);
      // Until the deletion runs the account exists, disabled.
      expect(next).toEqual({ chat: { status: 'disabled', entitlements: [] }, docs: { status: 'disabled', entitlements: [] } });
    });

    it('deletes at once with a "delete" action, and schedules no second deletion', () => {
      // Prepare
      const leaver: LeaverSettings = { default: DEFAULT_LEAVER_PLAN, apps: { code: { actions: ['revokeEntitlements', 'delete'], deleteAfterDays: 7 } } };

      // Act
      const { plan, next } = computePlan(input({ person: annLeft, planned: { code: active('team:eng') }, leaver }));

      // Assess
      expect(summary(plan.steps)).toEqual(['code:revoke:team:eng#0', 'code:deleteAccount#1']);
      expect(plan.steps[1]?.notBefore).toBeUndefined();
      expect(next).toEqual({ code: { status: 'deleted', entitlements: [] } });
    });

    it('notes what a connector cannot do, and that there is no manager to receive data', () => {
      // Prepare
      const leaver: LeaverSettings = {
        default: { actions: ['revokeSessions', 'transferOwnership', 'revokeEntitlements', 'disable'] },
        apps: {},
      };
      const caps = capabilities({ chat: { sessions: false, ownership: false }, code: { entitlements: false } });
      const planned = { chat: active(), code: active('team:eng') };

      // Act
      const { plan } = computePlan(input({ person: { ...annLeft, manager: undefined }, managerPersonId: undefined, planned, leaver, capabilities: caps }));

      // Assess
      expect(summary(plan.steps)).toEqual(['chat:disableAccount#0', 'code:revokeSessions#0', 'code:disableAccount#1']);
      expect(plan.notes).toEqual([
        'chat: the connector cannot revoke sessions',
        'chat: the connector cannot transfer ownership',
        'code: no manager to transfer ownership to',
      ]);
    });

    it('plans no disable or deletion a connector cannot perform, and notes it', () => {
      // Prepare
      const leaver: LeaverSettings = { default: { actions: ['revokeEntitlements', 'disable'], deleteAfterDays: 30 }, apps: {} };
      const caps = capabilities({ code: { accounts: false } });

      // Act
      const { plan, next } = computePlan(input({ person: annLeft, planned: { code: active('team:eng') }, leaver, capabilities: caps }));

      // Assess
      expect(summary(plan.steps)).toEqual(['code:revoke:team:eng#0']);
      expect(plan.notes).toEqual(['code: the connector cannot disable or delete accounts']);
      expect(next).toEqual({ code: active() });
    });

    it('leaves apps alone whose account is already deleted', () => {
      // Act
      const { plan, next } = computePlan(input({ person: annLeft, planned: { code: { status: 'deleted', entitlements: [] } } }));

      // Assess
      expect(plan.steps).toEqual([]);
      expect(next).toEqual({ code: { status: 'deleted', entitlements: [] } });
    });

    it('plans a deleted person (no "after") like a deactivated one', () => {
      // Prepare: the planner passes the last known snapshot, marked inactive.
      const person = { ...ann, active: false };

      // Act
      const { plan } = computePlan(input({ eventId: 'evt-deleted', person, planned: { chat: active() } }));

      // Assess
      expect(summary(plan.steps)).toEqual(['chat:revokeSessions#0', 'chat:disableAccount#1']);
      expect(plan.steps.every((s) => s.person.active === false && s.eventId === 'evt-deleted')).toBe(true);
    });
  });

  describe('lockout', () => {
    it('ends sessions and disables in every configured app on the priority lane, even apps with no recorded access', () => {
      // Prepare: the person has chat only; code and docs are configured too.
      const planned = { chat: active('channel:eng') };

      // Act
      const { plan, next } = computePlan(input({ eventId: 'lockout:r1', planned, lockout: true, desired: new Map() }));

      // Assess
      expect(summary(plan.steps)).toEqual([
        'chat:revokeSessions#0',
        'chat:disableAccount#1',
        'code:revokeSessions#0',
        'code:disableAccount#1',
        'docs:revokeSessions#0',
        'docs:disableAccount#1',
      ]);
      expect(plan.steps.every((s) => s.priority === 'lockout')).toBe(true);
      expect(plan.steps[0]?.reason).toBe('kill switch: end open sessions');
      expect(next).toEqual({
        chat: { status: 'disabled', entitlements: ['channel:eng'] },
        code: { status: 'disabled', entitlements: [] },
        docs: { status: 'disabled', entitlements: [] },
      });
    });

    it('notes apps that cannot end sessions or disable accounts, and keeps deleted accounts deleted', () => {
      // Prepare
      const caps = capabilities({ chat: { sessions: false }, code: { accounts: false } });

      // Act
      const { plan, next } = computePlan(
        input({ eventId: 'lockout:r2', planned: { chat: { status: 'deleted', entitlements: [] } }, lockout: true, capabilities: caps }),
      );

      // Assess
      expect(summary(plan.steps)).toEqual(['chat:disableAccount#0', 'code:revokeSessions#0']);
      expect(plan.notes).toEqual(['chat: the connector cannot revoke sessions', 'code: the connector cannot disable accounts']);
      expect(next).toEqual({ chat: { status: 'deleted', entitlements: [] }, code: { status: 'disabled', entitlements: [] } });
    });
  });

  it('plans nothing more for a leaver whose access is already gone (a later event changes nothing)', () => {
    // Prepare
    const disabled: AppAccessState = { status: 'disabled', entitlements: [] };

    // Act
    const { plan, next } = computePlan(
      input({ person: annLeft, desired: new Map(), planned: { chat: disabled }, capabilities: capabilities({ chat: {} }), changes: ['title'] }),
    );

    // Assess
    expect(plan.steps).toEqual([]);
    expect(next.chat).toEqual(disabled);
  });

  it('leaves an app alone whose connector was removed from the config, and notes it', () => {
    // Prepare: "legacy" is in planned access but no longer configured.
    const desired = desire({ chat: { rules: ['everyone'] } });
    const planned = { legacy: active('admin') };

    // Act
    const { plan, next } = computePlan(input({ person: ann, desired, planned, capabilities: capabilities({ chat: {} }) }));
    const leaver = computePlan(input({ person: annLeft, planned, capabilities: capabilities({ chat: {} }) }));

    // Assess
    expect(summary(plan.steps)).toEqual(['chat:createAccount#0']);
    expect(plan.notes).toEqual(['legacy: no connector is configured any more; its access is left as it is']);
    expect(next).toEqual({ chat: active(), legacy: active('admin') });
    expect(leaver.plan.steps).toEqual([]);
    expect(leaver.next).toEqual(planned);
  });

  it('holds back creates and grants in an app in import mode, leaving its planned access as it was, but not the kill switch', () => {
    // Prepare
    const desired = desire({ chat: { rules: ['everyone'] }, code: { rules: ['eng'], entitlements: { 'team:eng': ['eng'] } } });
    const importing = new Set(['code']);

    // Act
    const { plan, next } = computePlan(input({ desired, importing }));
    const lockout = computePlan(input({ desired, importing, lockout: true }));

    // Assess
    expect(summary(plan.steps)).toEqual(['chat:createAccount#0']);
    expect(plan.notes).toEqual(['code: its existing accounts are being imported; access is provisioned once the import is approved']);
    expect(next).toEqual({ chat: active() });
    expect(summary(lockout.plan.steps)).toContain('code:disableAccount#1');
  });

  describe('determinism', () => {
    const desired = desire({ chat: { rules: ['everyone'] }, code: { rules: ['eng'], entitlements: { 'team:eng': ['eng'] } } });

    it('gives the same input the same steps and step ids', () => {
      // Act
      const first = computePlan(input({ desired }));
      const second = computePlan(input({ desired: desire({ code: { rules: ['eng'], entitlements: { 'team:eng': ['eng'] } }, chat: { rules: ['everyone'] } }) }));

      // Assess
      expect(second).toEqual(first);
    });

    it('gives a different event different step ids', () => {
      // Act
      const first = computePlan(input({ desired }));
      const other = computePlan(input({ desired, eventId: 'evt-2' }));

      // Assess
      expect(other.plan.steps.map((s) => s.stepId).filter((id) => first.plan.steps.some((s) => s.stepId === id))).toEqual([]);
      expect(new Set(first.plan.steps.map((s) => s.stepId)).size).toBe(first.plan.steps.length);
    });

    it('does not change the planned access it was given', () => {
      // Prepare
      const planned = Object.freeze({ code: Object.freeze(active('team:old')) });

      // Act
      const { next } = computePlan(input({ desired, planned }));

      // Assess
      expect(planned).toEqual({ code: active('team:old') });
      expect(next.code).toEqual(active('team:eng'));
    });
  });
});
