import { describe, expect, it } from 'vitest';
import { OutboxItems } from '../../../../lib/adapters/dynamodb/directory/OutboxItems.js';
import type { Outbox } from '../../../../lib/domain/DirectoryRecords.js';

describe('OutboxItems.writeWith', () => {
  it('stores a small outbox inline as JSON and puts the item in the pending index, oldest first', async () => {
    // Prepare
    const outbox: Outbox = { id: 'o1', createdAt: '2026-01-01T00:00:00.000Z', events: [], memberships: [{ op: 'add', groupId: 'g1', memberId: 'u1', memberType: 'User' }], deleteAfter: true };

    // Act
    // A small outbox needs no chunk items, so the write touches nothing but the resource item.
    let attributes = { outbox: '' };
    const outboxes = new OutboxItems({} as never, {} as never, () => new Date(0));
    await outboxes.writeWith(outbox, { type: 'User', id: 'u1' }, async (written) => {
      attributes = written;
    });

    // Assess
    expect(attributes).toEqual({ outbox: JSON.stringify(outbox), outboxId: 'o1', pendingPk: 'PENDING', pendingSk: '2026-01-01T00:00:00.000Z#User#u1' });
    expect(JSON.parse(attributes.outbox)).toEqual(outbox);
  });
});
