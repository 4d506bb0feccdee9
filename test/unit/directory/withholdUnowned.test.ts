import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import { DEFAULT_AUTHORITY } from '../../../lib/domain/PersonAttribute.js';
import { withholdUnowned } from '../../../lib/directory/withholdUnowned.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const person = (sources: Record<string, string>, extra: Partial<UserRecord> = {}): UserRecord => ({
  id: 'p-1',
  userName: 'ada@example.com',
  active: true,
  version: 3,
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-01T00:00:00.000Z',
  attributes: { userName: 'ada@example.com', title: 'Engineer', emails: [{ value: 'ada@example.com', type: 'work' }], [ENTERPRISE]: { department: 'Platform' } },
  sources,
  ...extra,
});
const both = { idp: '2026-01-01T00:00:00.000Z', 'hr:workday': '2026-01-02T00:00:00.000Z' };

describe('withholdUnowned', () => {
  it('keeps the attributes another feeding source owns and names them', () => {
    const current = person(both);
    const decision = withholdUnowned(current, { ...current.attributes, title: 'CEO', displayName: 'Ada', [ENTERPRISE]: { department: 'Sales', organization: 'Acme' } }, 'idp', DEFAULT_AUTHORITY);
    expect(decision.withheld).toEqual(['department', 'title']);
    expect(decision.owner).toBe('hr');
    expect(decision.attributes).toEqual({ ...current.attributes, displayName: 'Ada', [ENTERPRISE]: { department: 'Platform', organization: 'Acme' } });
  });

  it('lets a person fed by one source only take everything from it', () => {
    const current = person({ idp: '2026-01-01T00:00:00.000Z' });
    const proposed = { ...current.attributes, title: 'CEO', active: false };
    expect(withholdUnowned(current, proposed, 'idp', DEFAULT_AUTHORITY)).toEqual({ attributes: proposed, withheld: [] });
    expect(withholdUnowned(person({}), proposed, 'hr:workday', DEFAULT_AUTHORITY).withheld).toEqual([]);
  });

  it('removes an owned attribute the writer added, and puts back one it removed', () => {
    const current = person(both);
    const { emails: _emails, ...withoutEmails } = current.attributes as Record<string, unknown>;
    expect(withholdUnowned(current, withoutEmails, 'hr:workday', DEFAULT_AUTHORITY).attributes).toEqual(current.attributes);
    const noTitle = person(both, { attributes: { userName: 'ada@example.com' } });
    expect(withholdUnowned(noTitle, { userName: 'ada@example.com', title: 'CEO' }, 'idp', DEFAULT_AUTHORITY).attributes).toEqual({ userName: 'ada@example.com' });
  });

  it('lets any source deactivate, but only the owner reactivate a person the owner deactivated', () => {
    const active = person(both);
    expect(withholdUnowned(active, { ...active.attributes, active: false }, 'idp', DEFAULT_AUTHORITY).withheld).toEqual([]);
    const byHr = person(both, { active: false, activeSetBy: 'hr:workday', attributes: { ...active.attributes, active: false } });
    expect(withholdUnowned(byHr, { ...byHr.attributes, active: true }, 'idp', DEFAULT_AUTHORITY)).toMatchObject({ withheld: ['employmentStatus'], attributes: { active: false } });
    const byIdp = person(both, { active: false, activeSetBy: 'idp', attributes: { ...active.attributes, active: false } });
    expect(withholdUnowned(byIdp, { ...byIdp.attributes, active: true }, 'idp', DEFAULT_AUTHORITY).withheld).toEqual([]);
    expect(withholdUnowned(byHr, { ...byHr.attributes, active: true }, 'hr:workday', DEFAULT_AUTHORITY).withheld).toEqual([]);
  });

  it('follows the configured authority instead of the defaults', () => {
    const current = person(both);
    const authority = { hr: [], idp: ['userName', 'emails', 'title'] } as const;
    const decision = withholdUnowned(current, { ...current.attributes, title: 'HR title' }, 'hr:workday', authority);
    expect(decision).toMatchObject({ withheld: ['title'], owner: 'idp' });
  });
});
