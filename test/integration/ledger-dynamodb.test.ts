import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedgerStore } from '../../lib/adapters/dynamodb/DynamoLedgerStore.js';
import { ledgerTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { computeEventHash } from '../../lib/ledger/computeEventHash.js';
import { Ledger } from '../../lib/ledger/Ledger.js';
import { type EmbeddedTables, startEmbeddedTables } from '../support/startEmbeddedTables.js';

describe('Ledger on the embedded DynamoDB engine', () => {
  let engine: EmbeddedTables;
  let store: DynamoLedgerStore;
  beforeAll(async () => {
    engine = await startEmbeddedTables([{ definition: ledgerTable, tableName: 'ledger' }]);
    store = new DynamoLedgerStore(engine.db, engine.tableName('ledger'));
  });
  afterAll(async () => {
    await engine.close();
  });

  it('keeps one unforked chain under 40 concurrent writers', async () => {
    // Prepare: separate Ledger instances stand in for separate Lambda invocations.
    const writers = Array.from({ length: 40 }, () => new Ledger(store));

    // Act
    await Promise.all(
      writers.map((ledger, i) =>
        ledger.append({
          eventId: `e${i}`,
          chain: 'person#busy',
          type: 'lifecycle.mover',
          occurredAt: new Date().toISOString(),
          source: { channel: 'scim', actor: 'test' },
          outcome: 'recorded',
          personId: 'busy',
        }),
      ),
    );
    const chain = await store.chain('person#busy');

    // Assess
    expect(chain.map((event) => event.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(chain.map((event) => event.eventId)).size).toBe(40);
    chain.forEach((event, i) => {
      expect(computeEventHash(event)).toBe(event.hash);
      if (i > 0) expect(event.prevHash).toBe(chain[i - 1]?.hash);
    });
  });
});
