import type { Outbox, PendingOutbox, ResourceKey, ResourceType } from '../../../domain/DirectoryRecords.js';
import { directoryItemCodec as codec } from './directoryItemCodec.js';
import type { DirectoryTable, Item, ItemKey } from './DirectoryTable.js';
import type { UserNameClaims } from './UserNameClaims.js';

/** The one partition of the sparse `pending` index: recovery reads it, oldest first. */
const PENDING_PARTITION = 'PENDING';
/**
 * An outbox up to this size stays inline on its resource item; a larger one (a group write that
 * adds thousands of members) goes into chunk items beside it, as one item holds at most 400 KB.
 */
const INLINE_OUTBOX_BYTES = 64 * 1024;
/** Bytes of serialised outbox per chunk item, well under the item limit with its keys. */
const CHUNK_BYTES = 300 * 1024;
/**
 * Chunks of a write that never landed (the process died between writing its chunks and its item)
 * are removed once this old, when the resource's next chunked outbox completes. Only chunks this
 * old: younger ones may be a concurrent writer's, written just before its item.
 */
const ORPHAN_AGE_MS = 60 * 60 * 1000;

/** The attributes that make a resource item carry an undelivered outbox. */
export type OutboxAttributes = {
  readonly outbox: string;
  readonly outboxId: string;
  readonly pendingPk: string;
  readonly pendingSk: string;
  /** Set when the outbox is in chunk items: how many. */
  readonly outboxChunks?: number;
};

/**
 * Outboxes, stored with the resource item they belong to, in the same write as the change (the
 * embedded engine has no transactions). A small one is an attribute of the item; a large one is
 * written first as chunk items in the resource's partition (`OUTBOX#<outboxId>#<n>`, the
 * serialised outbox cut into pieces) and the item carries only its id and the chunk count, so the
 * conditional item write is still the one write that makes the change and its outbox real. While an
 * item carries an outbox, it is in the `pending` index and the store refuses further writes to it;
 * delivering the outbox clears it (and its chunks), or removes the item when the change was a delete.
 */
export class OutboxItems {
  public constructor(
    private readonly table: DirectoryTable,
    private readonly claims: UserNameClaims,
    private readonly now: () => Date,
  ) {}

  /**
   * Runs a resource write that carries outbox: writes its chunks first if it needs them, passes
   * `write` the item attributes, and removes the chunks again if the write fails (a crash in between
   * leaves them orphaned: unreferenced, and removed later).
   */
  public async writeWith(outbox: Outbox, key: ResourceKey, write: (attributes: OutboxAttributes) => Promise<void>): Promise<void> {
    const json = JSON.stringify(outbox);
    const base = { outboxId: outbox.id, pendingPk: PENDING_PARTITION, pendingSk: `${outbox.createdAt}#${key.type}#${key.id}` };
    if (!isChunked(json)) return write({ ...base, outbox: json });
    const chunks = this.chunkItems(key, outbox.id, Buffer.from(json, 'utf8'));
    await this.table.run('write outbox chunks', () => this.table.batchPut(chunks));
    const header = JSON.stringify({ id: outbox.id, createdAt: outbox.createdAt });
    try {
      await write({ ...base, outbox: header, outboxChunks: chunks.length });
    } catch (error) {
      await this.deleteChunks(chunks.map(({ pk, sk }) => ({ pk: String(pk), sk: String(sk) }))).catch(() => undefined);
      throw error;
    }
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
        await this.table.update({
          Key: itemKey,
          UpdateExpression: 'REMOVE outbox, outboxId, pendingPk, pendingSk, outboxChunks, deliveredParts',
          ...ifStillPending,
        });
      },
      // Someone else completed it first (or it is gone): the outcome we wanted.
      () => undefined,
    );
    // After the item no longer names them: a delivery still reading them has read them already.
    if (isChunked(JSON.stringify(outbox))) await this.removeDeliveredChunks(key, outbox.id);
  }

  /** Records how many parts of the pending outbox were delivered; only ever more, only for that outbox. */
  public async recordProgress(key: ResourceKey, outboxId: string, deliveredParts: number): Promise<void> {
    await this.table.conditionally(
      'record outbox progress',
      () =>
        this.table.update({
          Key: codec.resourceKey(key),
          UpdateExpression: 'SET deliveredParts = :parts',
          ConditionExpression: 'outboxId = :outboxId AND (attribute_not_exists(deliveredParts) OR deliveredParts < :parts)',
          ExpressionAttributeValues: { ':outboxId': outboxId, ':parts': deliveredParts },
        }),
      () => undefined,
    );
  }

  public async pending(key: ResourceKey): Promise<PendingOutbox | undefined> {
    const item = await this.table.get(codec.resourceKey(key));
    return item ? this.read(key, item) : undefined;
  }

  public async listPending(limit: number): Promise<PendingOutbox[]> {
    const items = await this.table.query(
      'list pending outboxes',
      { IndexName: 'pending', KeyConditionExpression: 'pendingPk = :pk', ExpressionAttributeValues: { ':pk': PENDING_PARTITION } },
      limit,
    );
    const entries: PendingOutbox[] = [];
    for (const item of items) {
      const entry = await this.read({ type: item.type as ResourceType, id: String(item.id) }, item);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  private async read(key: ResourceKey, item: Item): Promise<PendingOutbox | undefined> {
    if (typeof item.outbox !== 'string') return undefined;
    const deliveredParts = typeof item.deliveredParts === 'number' ? { deliveredParts: item.deliveredParts } : {};
    if (typeof item.outboxChunks !== 'number') return { key, outbox: JSON.parse(item.outbox) as Outbox, ...deliveredParts };
    const outboxId = String(item.outboxId);
    const chunks = await this.table.query('read outbox chunks', {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': codec.resourceKey(key).pk, ':prefix': chunkPrefix(outboxId) },
      ConsistentRead: true,
    });
    if (chunks.length !== item.outboxChunks) {
      // Chunks are written before the item and removed only after it is cleared, so this is a
      // completion racing this read: the outbox is delivered, or the item changed meanwhile.
      return undefined;
    }
    const body = Buffer.concat(chunks.map((chunk) => chunk.body as Uint8Array)).toString('utf8');
    return { key, outbox: JSON.parse(body) as Outbox, ...deliveredParts };
  }

  private chunkItems(key: ResourceKey, outboxId: string, body: Buffer): (Item & ItemKey)[] {
    const { pk } = codec.resourceKey(key);
    const writtenAt = this.now().toISOString();
    const chunks: (Item & ItemKey)[] = [];
    for (let offset = 0; offset < body.length; offset += CHUNK_BYTES) {
      // Zero-padded so the partition's sort order is the chunks' order.
      const sk = `${chunkPrefix(outboxId)}${String(chunks.length).padStart(6, '0')}`;
      chunks.push({ pk, sk, type: 'OutboxChunk', outboxId, writtenAt, body: body.subarray(offset, offset + CHUNK_BYTES) });
    }
    return chunks;
  }

  /** This outbox's chunks, and orphaned ones old enough to be nobody's write in progress. */
  private async removeDeliveredChunks(key: ResourceKey, outboxId: string): Promise<void> {
    const chunks = await this.table.query('list outbox chunks', {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ProjectionExpression: 'pk, sk, outboxId, writtenAt',
      ExpressionAttributeValues: { ':pk': codec.resourceKey(key).pk, ':prefix': 'OUTBOX#' },
    });
    const orphanedBefore = new Date(this.now().getTime() - ORPHAN_AGE_MS).toISOString();
    const current = await this.table.get(codec.resourceKey(key));
    const stale = chunks.filter(
      (chunk) => chunk.outboxId === outboxId || (chunk.outboxId !== current?.outboxId && String(chunk.writtenAt) < orphanedBefore),
    );
    // Best effort: a chunk left behind is unreferenced, and the next completion removes it.
    await this.deleteChunks(stale.map(({ pk, sk }) => ({ pk: String(pk), sk: String(sk) }))).catch(() => undefined);
  }

  private async deleteChunks(keys: readonly ItemKey[]): Promise<void> {
    for (const key of keys) await this.table.run('remove outbox chunk', () => this.table.delete({ Key: key }));
  }
}

function isChunked(json: string): boolean {
  return Buffer.byteLength(json, 'utf8') > INLINE_OUTBOX_BYTES;
}

function chunkPrefix(outboxId: string): string {
  return `OUTBOX#${outboxId}#`;
}
