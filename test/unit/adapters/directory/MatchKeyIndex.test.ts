import { describe, expect, it } from 'vitest';
import { DirectoryTable } from '../../../../lib/adapters/dynamodb/directory/DirectoryTable.js';
import { MatchKeyIndex } from '../../../../lib/adapters/dynamodb/directory/MatchKeyIndex.js';
import { directoryTable } from '../../../../lib/adapters/dynamodb/tableDefinitions.js';
import type { UserRecord } from '../../../../lib/domain/DirectoryRecords.js';
import { ENTERPRISE_USER_SCHEMA } from '../../../../lib/domain/ENTERPRISE_USER_SCHEMA.js';
import { onFreshTables } from '../../../support/onFreshTables.js';

const at = '2026-01-01T00:00:00.000Z';
const user = (attributes: Record<string, unknown>): UserRecord => ({ id: 'u1', userName: 'ann', active: true, version: 1, created: at, lastModified: at, attributes });

describe('MatchKeyIndex.changes', () => {
  it('indexes every key of a new user', () => {
    // Act
    const changes = MatchKeyIndex.changes(user({ emails: [{ value: 'Ann@Example.com' }], [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'E-1' } }), undefined);

    // Assess
    expect(changes).toEqual({ added: ['EMPNO#E-1', 'EMAIL#ann@example.com'], removed: [] });
  });

  it('adds the keys a change gives the user and removes the ones it takes away, leaving the rest', () => {
    // Prepare
    const before = user({ emails: [{ value: 'old@example.com' }, { value: 'kept@example.com' }] });
    const after = user({ emails: [{ value: 'kept@example.com' }, { value: 'new@example.com' }] });

    // Act
    const changes = MatchKeyIndex.changes(after, before);

    // Assess
    expect(changes).toEqual({ added: ['EMAIL#new@example.com'], removed: ['EMAIL#old@example.com'] });
  });

  it('leaves out keys too long for an index key, on both sides', () => {
    // Prepare: an email no partition key can hold
    const long = `${'x'.repeat(2100)}@example.com`;

    // Act
    const changes = MatchKeyIndex.changes(user({ emails: [{ value: 'a@example.com' }] }), user({ emails: [{ value: long }] }));

    // Assess
    expect(changes).toEqual({ added: ['EMAIL#a@example.com'], removed: [] });
  });
});

describe('MatchKeyIndex entries on the embedded engine', () => {
  const openIndex = onFreshTables(directoryTable, (db, tableName) => new MatchKeyIndex(new DirectoryTable(db, tableName), () => new Date(at)));

  it('keeps an entry a newer write of the user added when an older write removes the key after it', async () => {
    // Prepare: v1 had the key, v2 took it away, v3 gave it back and indexed it before v2's removal ran
    const index = await openIndex();
    await index.add('u1', ['EMAIL#ann@example.com'], 1);
    await index.add('u1', ['EMAIL#ann@example.com'], 3);

    // Act
    await index.remove('u1', ['EMAIL#ann@example.com'], 2);
    const kept = await index.userIds('EMAIL#ann@example.com');
    await index.remove('u1', ['EMAIL#ann@example.com'], 4);

    // Assess
    expect(kept).toEqual(['u1']);
    expect(await index.userIds('EMAIL#ann@example.com')).toEqual([]);
  });
});
