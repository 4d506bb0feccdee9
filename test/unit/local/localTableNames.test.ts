import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/config/ConfigError.js';
import { localTableNames, TABLE_NAMES } from '../../../local/openLocalTables.js';

describe('localTableNames', () => {
  it('names the four tables after the prefix, perimeter-* by default', () => {
    expect(localTableNames('acme')).toEqual({ directory: 'acme-directory', ledger: 'acme-ledger', access: 'acme-access', operations: 'acme-operations' });
    expect(TABLE_NAMES).toEqual(localTableNames('perimeter'));
  });

  it('refuses a prefix DynamoDB would refuse in a table name', () => {
    for (const prefix of ['', 'has space', 'slash/name', 'ü', 'x'.repeat(201)]) expect(() => localTableNames(prefix), prefix).toThrow(ConfigError);
  });
});
