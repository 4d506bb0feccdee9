import { DirectoryError } from '../../../domain/DirectoryError.js';
import type { ResourceKey } from '../../../domain/DirectoryRecords.js';
import { directoryItemCodec as codec } from './directoryItemCodec.js';
import type { DirectoryTable, Item, ItemKey } from './DirectoryTable.js';
import type { OutboxAttributes } from './OutboxItems.js';

/** What a conditional write expects to find: nothing yet, or the version that was read. */
type Expected = { readonly absent: true } | { readonly version: number };
const expectedFrom = (previous: { readonly version: number } | undefined): Expected =>
  previous ? { version: previous.version } : { absent: true };

/**
 * Writes of user and group items, conditional on what the caller read (optimistic concurrency;
 * If-Match maps onto it) and on the item carrying no undelivered outbox, since the outbox written
 * with a change must be delivered before the next change can be. A refused write becomes the
 * DirectoryError the port promises: 'uniqueness', 'versionMismatch' or 'outboxPending'.
 */
export class ResourceWrites {
  public constructor(private readonly table: DirectoryTable) {}

  /** Creates the item (`previous` undefined) or replaces the version `previous` was read at. */
  public async put(item: Item & ItemKey, previous: { readonly version: number } | undefined): Promise<void> {
    const expected = expectedFrom(previous);
    const condition =
      'version' in expected
        ? {
            ConditionExpression: 'version = :version AND attribute_not_exists(outboxId) AND attribute_not_exists(deleted)',
            ExpressionAttributeValues: { ':version': expected.version },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' };
    await this.table.conditionally(
      'write resource',
      () => this.table.put({ Item: item, ...condition }),
      async () => {
        throw await this.explainConflict({ pk: item.pk, sk: item.sk }, expected);
      },
    );
  }

  /** Marks the item deleted, with its outbox, if still at `version`; the item goes when that is delivered. */
  public async markDeleted(key: ResourceKey, version: number, pending: OutboxAttributes): Promise<void> {
    const itemKey = codec.resourceKey(key);
    const chunks = pending.outboxChunks === undefined ? {} : { ':outboxChunks': pending.outboxChunks };
    await this.table.conditionally(
      'mark deleted',
      () =>
        this.table.update({
          Key: itemKey,
          UpdateExpression:
            `SET deleted = :true, version = version + :one, outbox = :outbox, outboxId = :outboxId, pendingPk = :pendingPk, pendingSk = :pendingSk${pending.outboxChunks === undefined ? '' : ', outboxChunks = :outboxChunks'}`,
          ConditionExpression:
            'attribute_exists(pk) AND version = :version AND attribute_not_exists(outboxId) AND attribute_not_exists(deleted)',
          ExpressionAttributeValues: {
            ':true': true,
            ':one': 1,
            ':version': version,
            ':outbox': pending.outbox,
            ':outboxId': pending.outboxId,
            ':pendingPk': pending.pendingPk,
            ':pendingSk': pending.pendingSk,
            ...chunks,
          },
        }),
      async () => {
        throw await this.explainConflict(itemKey, { version });
      },
    );
  }

  /** A failed condition means one of three things; read the item to say which. */
  private async explainConflict(key: ItemKey, expected: Expected): Promise<DirectoryError> {
    const current = await this.table.get(key);
    if (current && typeof current.outboxId === 'string') {
      return new DirectoryError('outboxPending', `${key.pk} has undelivered changes`);
    }
    if ('absent' in expected) return new DirectoryError('uniqueness', `${key.pk} already exists`);
    return new DirectoryError('versionMismatch', `${key.pk} changed since it was read`);
  }
}
