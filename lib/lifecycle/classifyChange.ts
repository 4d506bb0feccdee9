import type { LifecycleKind } from '../domain/LifecycleEvent.js';
import type { PersonSnapshot } from '../domain/PersonSnapshot.js';

/**
 * Joiner / mover / leaver from a before and after snapshot: appearing or being reactivated is
 * joining (a rehire is a joiner), deactivation or removal is leaving, anything else is moving.
 * `otherChanges` names changes outside the snapshot (e.g. "profile" for a phone number), which
 * still make a mover event. Returns undefined when nothing changed: a no-op write records nothing.
 */
export function classifyChange(
  before: PersonSnapshot | null,
  after: PersonSnapshot | null,
  otherChanges: readonly string[] = [],
): { kind: LifecycleKind; changes: string[] } | undefined {
  if (before === null && after === null) return undefined;
  const changes = [...diffSnapshots(before, after), ...otherChanges];
  if (before === null) return { kind: 'joiner', changes };
  if (after === null) return { kind: 'leaver', changes };
  if (changes.length === 0) return undefined;
  if (before.active && !after.active) return { kind: 'leaver', changes };
  if (!before.active && after.active) return { kind: 'joiner', changes };
  return { kind: 'mover', changes };
}

function diffSnapshots(before: PersonSnapshot | null, after: PersonSnapshot | null): string[] {
  const keys = new Set<string>([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  return [...keys].filter((key) => b[key] !== a[key]).sort();
}
