import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../../lib/config/perimeterConfigSchema.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import type { DesiredAccess } from '../../../lib/policy/DesiredAccess.js';
import { evaluatePolicy } from '../../../lib/policy/evaluatePolicy.js';

const ann: PersonSnapshot = {
  id: 'p1',
  userName: 'ann@example.com',
  active: true,
  department: 'Engineering',
  title: 'Staff Engineer',
  location: 'Berlin',
  userType: 'Employee',
  costCenter: 'CC-100',
};

const rule = (id: string, when: PolicyRule['when'], app = 'code', entitlements: string[] = []): PolicyRule => ({ id, when, grant: [{ app, entitlements }] });

/** The apps granted, each with its account rules and entitlement → rules, as plain data. */
const view = (desired: DesiredAccess): Record<string, { accountRules: readonly string[]; entitlements: Record<string, readonly string[]> }> =>
  Object.fromEntries([...desired].map(([app, d]) => [app, { accountRules: d.accountRules, entitlements: Object.fromEntries(d.entitlements) }]));

const granted = (rules: PolicyRule[], person: PersonSnapshot = ann, groups: string[] = []): string[] =>
  [...evaluatePolicy(rules, { person, groups }).keys()].sort();

describe('evaluatePolicy', () => {
  describe('matchers', () => {
    it('matches a plain string case-insensitively and nothing else', () => {
      // Prepare
      const rules = [rule('eng', { department: 'engineering' }, 'code'), rule('sales', { department: 'Sales' }, 'crm')];

      // Act
      const apps = granted(rules);

      // Assess
      expect(apps).toEqual(['code']);
    });

    it('matches a list when any entry matches', () => {
      // Prepare
      const rules = [rule('any', { location: ['Paris', 'BERLIN'] }, 'code'), rule('none', { location: ['Paris', 'Rome'] }, 'crm')];

      // Act
      const apps = granted(rules);

      // Assess
      expect(apps).toEqual(['code']);
    });

    it('matches anyOf like a list', () => {
      // Prepare
      const rules = [rule('any', { employmentType: { anyOf: ['Contractor', 'employee'] } }, 'code'), rule('none', { employmentType: { anyOf: ['Contractor'] } }, 'crm')];

      // Act
      const apps = granted(rules);

      // Assess
      expect(apps).toEqual(['code']);
    });

    it('matches noneOf when no value is listed, including when the attribute is absent', () => {
      // Prepare
      const rules = [
        rule('not-contractor', { employmentType: { noneOf: ['Contractor'] } }, 'code'),
        rule('not-employee', { employmentType: { noneOf: ['EMPLOYEE'] } }, 'crm'),
        rule('no-division', { division: { noneOf: ['Retail'] } }, 'wiki'),
      ];

      // Act
      const apps = granted(rules);
      const withoutType = granted(rules, { ...ann, userType: undefined });

      // Assess
      expect(apps).toEqual(['code', 'wiki']);
      expect(withoutType).toEqual(['code', 'crm', 'wiki']);
    });

    it('matches a regular expression case-insensitively, and never an absent attribute', () => {
      // Prepare
      const rules = [
        rule('engineers', { title: { matches: '^staff\\s+ENGINEER$' } }, 'code'),
        rule('managers', { title: { matches: 'manager' } }, 'crm'),
        rule('any-division', { division: { matches: '.*' } }, 'wiki'),
      ];

      // Act
      const apps = granted(rules);

      // Assess
      expect(apps).toEqual(['code']);
    });

    it('treats an empty attribute as absent', () => {
      // Prepare
      const rules = [rule('any-dept', { department: { matches: '.*' } }, 'code')];

      // Act
      const apps = granted(rules, { ...ann, department: '' });

      // Assess
      expect(apps).toEqual([]);
    });

    it('matches groups by id and by name', () => {
      // Prepare: the planner passes both the ids and the display names of the person's groups.
      const groups = ['g-123', 'Platform'];
      const rules = [
        rule('by-id', { groups: 'g-123' }, 'code'),
        rule('by-name', { groups: { anyOf: ['platform'] } }, 'crm'),
        rule('other', { groups: 'Finance' }, 'wiki'),
      ];

      // Act
      const apps = granted(rules, ann, groups);
      const noGroups = granted(rules, ann, []);

      // Assess
      expect(apps).toEqual(['code', 'crm']);
      expect(noGroups).toEqual([]);
    });

    it('requires every attribute of a rule to match (AND)', () => {
      // Prepare
      const rules = [
        rule('both', { department: 'Engineering', location: 'Berlin' }, 'code'),
        rule('one-wrong', { department: 'Engineering', location: 'Paris' }, 'crm'),
        rule('with-group', { department: 'Engineering', groups: 'Platform' }, 'wiki'),
      ];

      // Act
      const apps = granted(rules, ann, ['Oncall']);

      // Assess
      expect(apps).toEqual(['code']);
    });

    it('grants an empty `when` to every active person', () => {
      // Act
      const apps = granted([rule('everyone', {}, 'chat')], { id: 'p2', userName: 'bob@example.com', active: true });

      // Assess
      expect(apps).toEqual(['chat']);
    });
  });

  it('grants nothing to an inactive person', () => {
    // Prepare
    const rules = [rule('everyone', {}, 'chat'), rule('eng', { department: 'Engineering' }, 'code', ['team:eng'])];

    // Act
    const desired = evaluatePolicy(rules, { person: { ...ann, active: false }, groups: [] });

    // Assess
    expect(desired.size).toBe(0);
  });

  it('grants nothing to a locked person', () => {
    // Prepare
    const rules = [rule('everyone', {}, 'chat')];

    // Act
    const locked = evaluatePolicy(rules, { person: ann, groups: [] }, true);
    const unlocked = evaluatePolicy(rules, { person: ann, groups: [] }, false);

    // Assess
    expect(locked.size).toBe(0);
    expect(unlocked.size).toBe(1);
  });

  it('records which rules grant each app and each entitlement', () => {
    // Prepare
    const rules: PolicyRule[] = [
      { id: 'everyone', when: {}, grant: [{ app: 'chat', entitlements: [] }] },
      {
        id: 'eng',
        when: { department: 'Engineering' },
        grant: [
          { app: 'code', entitlements: ['team:eng', 'repo:read'] },
          { app: 'chat', entitlements: ['channel:eng'] },
        ],
      },
    ];

    // Act
    const desired = evaluatePolicy(rules, { person: ann, groups: [] });

    // Assess
    expect(view(desired)).toEqual({
      chat: { accountRules: ['everyone', 'eng'], entitlements: { 'channel:eng': ['eng'] } },
      code: { accountRules: ['eng'], entitlements: { 'team:eng': ['eng'], 'repo:read': ['eng'] } },
    });
    expect(desired.get('code')?.app).toBe('code');
  });

  it('keeps every rule that grants the same entitlement', () => {
    // Prepare
    const rules = [
      rule('eng', { department: 'Engineering' }, 'code', ['team:platform']),
      rule('berlin', { location: 'Berlin' }, 'code', ['team:platform', 'office:berlin']),
      rule('sales', { department: 'Sales' }, 'code', ['team:platform']),
    ];

    // Act
    const desired = evaluatePolicy(rules, { person: ann, groups: [] });

    // Assess
    expect(view(desired)).toEqual({
      code: { accountRules: ['eng', 'berlin'], entitlements: { 'team:platform': ['eng', 'berlin'], 'office:berlin': ['berlin'] } },
    });
  });

  it('grants nothing when no rule matches', () => {
    // Act
    const desired = evaluatePolicy([rule('sales', { department: 'Sales' })], { person: ann, groups: [] });

    // Assess
    expect(desired.size).toBe(0);
  });
});
