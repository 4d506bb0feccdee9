import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDirectoryStore } from '../../../../lib/adapters/dynamodb/DynamoDirectoryStore.js';
import { directoryTable } from '../../../../lib/adapters/dynamodb/tableDefinitions.js';
import { canonicalUserName } from '../../../../lib/directory/identifiers/canonicalUserName.js';
import { confusableSkeleton } from '../../../../lib/directory/identifiers/confusableSkeleton.js';
import { DirectoryError } from '../../../../lib/domain/DirectoryError.js';
import type { UserRecord } from '../../../../lib/domain/DirectoryRecords.js';
import type { DirectoryStore } from '../../../../lib/ports/DirectoryStore.js';
import { InMemoryDirectoryStore } from '../../../fakes/InMemoryDirectoryStore.js';
import { onFreshTables } from '../../../support/onFreshTables.js';

/**
 * Pieces of names that look alike: Latin letters and their Cyrillic, Greek, fullwidth, digit and
 * multi-letter twins, an inner space, and what the rules refuse (invisible, control, styled).
 */
const ALPHABET = ['a', '\u0430', '\uFF41', 'o', '0', '\u043E', '\u03BF', 'm', 'rn', 'r', 'n', 'l', '1', 'I', 'e', '\u0435', 'E', 'p', '\u0440', ' ', '\u200B', '\u00AD', '\u0000', '\u{1D41A}'];
const names = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
type Op = { kind: 'create'; name: string } | { kind: 'rename'; index: number; name: string } | { kind: 'delete'; index: number };
const ops = fc.array(
  fc.oneof(
    names.map((name): Op => ({ kind: 'create', name })),
    fc.tuple(fc.nat(), names).map(([index, name]): Op => ({ kind: 'rename', index, name })),
    fc.nat().map((index): Op => ({ kind: 'delete', index })),
  ),
  { minLength: 1, maxLength: 10 },
);

const AT = '2026-03-01T12:00:00.000Z';
const record = (id: string, userName: string, version: number): UserRecord => ({ id, userName, active: true, version, created: AT, lastModified: AT, attributes: { userName } });
let outboxes = 0;
const outbox = (deleteAfter = false) => ({ id: `o${++outboxes}`, createdAt: AT, events: [], memberships: [], ...(deleteAfter ? { deleteAfter } : {}) });

/**
 * Applies the operations as SCIM would (a name the rules refuse is never written) and checks, after
 * each, that a write was refused exactly when another live person has the same canonical form or
 * skeleton, and that no two live people share either.
 */
async function check(store: DirectoryStore, sequence: readonly Op[]): Promise<void> {
  let created = 0;
  for (const op of sequence) {
    const live = await store.listUsers();
    if (op.kind === 'delete') {
      const target = live[op.index % Math.max(live.length, 1)];
      if (!target) continue;
      const deletion = outbox(true);
      await store.markDeleted({ type: 'User', id: target.id }, target.version, deletion);
      await store.completeOutbox({ type: 'User', id: target.id }, deletion);
      continue;
    }
    const canonical = canonicalUserName(op.name);
    if (!canonical.ok) continue;
    const target = op.kind === 'rename' ? live[op.index % Math.max(live.length, 1)] : undefined;
    if (op.kind === 'rename' && !target) continue;
    const next = target ? { ...record(target.id, op.name, target.version + 1) } : record(`u${String(++created).padStart(3, '0')}`, op.name, 1);
    const others = live.filter((user) => user.id !== next.id).map((user) => keys(user.userName));
    const collides = others.some((other) => other.canonical === canonical.value || other.skeleton === confusableSkeleton(canonical.value));
    const written = outbox();
    const refused = await store.putUser(next, target, written).then(
      () => false,
      (error: unknown) => {
        if (error instanceof DirectoryError && error.code === 'uniqueness') return true;
        throw error;
      },
    );
    if (!refused) await store.completeOutbox({ type: 'User', id: next.id }, written);
    expect(refused).toBe(collides);
    const people = (await store.listUsers()).map((user) => keys(user.userName));
    expect(new Set(people.map((person) => person.canonical)).size).toBe(people.length);
    expect(new Set(people.map((person) => person.skeleton)).size).toBe(people.length);
  }
}

function keys(userName: string): { canonical: string; skeleton: string } {
  const canonical = canonicalUserName(userName);
  if (!canonical.ok) throw new Error('a refused name was stored');
  return { canonical: canonical.value, skeleton: confusableSkeleton(canonical.value) };
}

describe('no two active people share a canonical form or a confusable skeleton', () => {
  it('in the in-memory directory', async () => {
    await fc.assert(fc.asyncProperty(ops, (sequence) => check(new InMemoryDirectoryStore(), sequence)), { numRuns: 200 });
  });

  const openDynamo = onFreshTables(directoryTable, (db, tableName) => new DynamoDirectoryStore(db, tableName));
  it.each(['on a fresh table', 'once backfilled'])('in the DynamoDB directory, %s', async (stage) => {
    await fc.assert(
      fc.asyncProperty(ops, async (sequence) => {
        const store = await openDynamo();
        if (stage === 'once backfilled') await store.backfillMatchIndex();
        await check(store, sequence);
      }),
      { numRuns: 15 },
    );
  }, 60_000);
});
