import { describe, expect, it } from 'vitest';
import { classifyChange } from '../../../lib/lifecycle/classifyChange.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';

const person = (extra: Partial<PersonSnapshot> = {}): PersonSnapshot => ({
  id: 'p1',
  userName: 'jo@example.com',
  active: true,
  department: 'Engineering',
  title: 'Engineer',
  ...extra,
});

describe('classifyChange', () => {
  it('calls a new person a joiner, listing the attributes they arrived with', () => {
    // Act
    const change = classifyChange(null, person());

    // Assess
    expect(change).toEqual({ kind: 'joiner', changes: ['active', 'department', 'id', 'title', 'userName'] });
  });

  it('calls a removed person a leaver', () => {
    // Act
    const change = classifyChange(person(), null);

    // Assess
    expect(change).toEqual({ kind: 'leaver', changes: ['active', 'department', 'id', 'title', 'userName'] });
  });

  it('calls a deactivation a leaver, even with other changes', () => {
    // Act
    const change = classifyChange(person(), person({ active: false, title: 'Former' }));

    // Assess
    expect(change).toEqual({ kind: 'leaver', changes: ['active', 'title'] });
  });

  it('calls a reactivation (a rehire) a joiner', () => {
    // Act
    const change = classifyChange(person({ active: false }), person());

    // Assess
    expect(change).toEqual({ kind: 'joiner', changes: ['active'] });
  });

  it('calls any other change a mover, naming what changed, added or removed', () => {
    // Act
    const change = classifyChange(person({ manager: 'm1' }), person({ department: 'Sales', costCenter: 'CC-9' }));

    // Assess
    expect(change).toEqual({ kind: 'mover', changes: ['costCenter', 'department', 'manager'] });
  });

  it('calls a change outside the snapshot a mover when named', () => {
    // Act
    const change = classifyChange(person(), person(), ['profile']);

    // Assess
    expect(change).toEqual({ kind: 'mover', changes: ['profile'] });
  });

  it('records nothing for a write that changes nothing, or for nothing at all', () => {
    // Act
    const unchanged = classifyChange(person(), person());
    const nothing = classifyChange(null, null);

    // Assess
    expect(unchanged).toBeUndefined();
    expect(nothing).toBeUndefined();
  });

  it('calls a change to a person who stays inactive a mover, not another leaver', () => {
    // Act
    const change = classifyChange(person({ active: false }), person({ active: false, title: 'Retired' }));

    // Assess
    expect(change).toEqual({ kind: 'mover', changes: ['title'] });
  });
});
