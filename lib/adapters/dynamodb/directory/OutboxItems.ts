import type { Outbox, PendingOutbox, ResourceKey, ResourceType } from '../../../domain/DirectoryRecords.js';
import { directoryItemCodec as codec } from './directoryItemCodec.js';
import type { DirectoryTable } from './DirectoryTable.js';
import type { UserNameClaims } from './UserNameClaims.js';

/** The one partition of the sparse `pending` index: recovery reads it, oldest first. */
const PENDING_PARTITION = 'PENDING';

/** The attributes that make a resource item carry an undelivered outbox. */
export type OutboxAttributes = { readonly outbox: string; readonly outboxId: string; readonly pendingPk: string; readonly pendingSk: string };

/**
 * Outboxes, stored on the resource item they belong to, in the same write as the change (the
 * embedded engine has no transactions). While an item carries one, it is in the `pending` index and
 * the store refuses further writes to it; delivering the outbox clears it, or removes the item when
 * the change was a delete.
 */
export class OutboxItems {
  public constructor(
    private readonly table: DirectoryTable,
    private readonly claims: UserNameClaims,
  ) {}

  public static attributes(outbox: Outbox, key: ResourceKey): OutboxAttributes {
    return {
      outbox: JSON.stringify(outbox),
      outboxId: outbox.id,
      pendingPk: PENDING_PARTITION,
      // Creation time first, so the index lists outboxes oldest first.
      pendingSk: `${outbox.createdAt}#${key.type}#${key.id}`,
    };
  }

  /** Clears outbox if it is still the item's (or removes the item, for a delete). Idempotent. */
  public async complete(key: ResourceKey, outbox: Outbox): Promise<void> {
    const itemKey = codec.resourceKey(key);
    const ifStillPending = { ConditionExpression: 'outboxId = :outboxId', ExpressionAttributeValues: { ':outboxId': outbox.id } };
    await this.table.conditionally(
      'complete outbox',
      async () => {
        if (outbox.deleteAfter) {
          const item = await this.table.get(itemKey);
          if (!item || item.outboxId !== outbox.id) return;
          // Before the item goes: if the release fails the outbox stays pending and recovery retries
          // both, whereas a claim left after the delete would have nothing left to retry it.
          if (key.type === 'User') await this.claims.releaseHeld(item, key.id);
          await this.table.delete({ Key: itemKey, ...ifStillPending });
          return;
        }
        await this.table.update({ Key: itemKey, UpdateExpression: 'REMOVE outbox, outboxId, pendingPk, pendingSk', ...ifStillPending });
      },
      // Someone else completed it first (or it is gone): the outcome we wanted.
      () => undefined,
    );
  }

  public async pending(key: ResourceKey): Promise<PendingOutbox | undefined> {
    const item = await this.table.get(codec.resourceKey(key));
    if (!item || typeof item.outbox !== 'string') return undefined;
    return { key, outbox: JSON.parse(item.outbox) as Outbox };
  }

  public async listPending(limit: number): Promise<PendingOutbox[]> {
    const items = await this.table.query(
      'list pending outboxes',
      { IndexName: 'pending', KeyConditionExpression: 'pendingPk = :pk', ExpressionAttributeValues: { ':pk': PENDING_PARTITION } },
      limit,
    );
    return items
      .filter((item) => typeof item.outbox === 'string')
      .map((item) => ({
        key: { type: item.type as ResourceType, id: String(item.id) },
        outbox: JSON.parse(String(item.outbox)) as Outbox,
      }));
  }
}
