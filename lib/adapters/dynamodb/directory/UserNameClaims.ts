import { DirectoryError } from '../../../domain/DirectoryError.js';
import { directoryItemCodec as codec } from './directoryItemCodec.js';
import type { DirectoryTable, Item, ItemKey } from './DirectoryTable.js';

/** A crashed create leaves its userName claim behind; after this long it may be taken over. */
const STALE_CLAIM_MS = 60_000;

const claimKey = (nameKey: string): ItemKey => ({ pk: `USERNAME#${nameKey}`, sk: 'CLAIM' });

/**
 * userName uniqueness without transactions: one claim item per name key (codec.userNameKey),
 * created by a conditional put before the user is written and deleted once the user no longer
 * holds the name. A claim can outlive its purpose (a crash between claim and user write, a rename
 * or delete whose release failed), so a claim only counts while its owner still holds the name.
 */
export class UserNameClaims {
  public constructor(
    private readonly table: DirectoryTable,
    private readonly now: () => Date,
  ) {}

  /** The user the claim names, if any; the caller checks that user still has the name. */
  public async ownerOf(nameKey: string): Promise<string | undefined> {
    const claim = await this.table.get(claimKey(nameKey));
    return claim ? String(claim.ownerId) : undefined;
  }

  /**
   * Claims nameKey for ownerId, or throws DirectoryError 'uniqueness'. Returns false when ownerId
   * already held it: a write that fails after such a claim must not release it, as the name is the
   * owner's by an earlier write (a stale rename, a repeated create).
   */
  public async claim(nameKey: string, ownerId: string): Promise<boolean> {
    const key = claimKey(nameKey);
    /** undefined when the condition failed, else whether the claim is new to ownerId. */
    const claim = (condition: string, values?: Item): Promise<boolean | undefined> =>
      this.table.conditionally(
        'claim userName',
        async () => {
          const replaced = await this.table.put({
            Item: { ...key, type: 'UserNameClaim', ownerId, claimedAt: this.now().toISOString() },
            ConditionExpression: condition,
            // DynamoDB refuses an empty ExpressionAttributeValues map.
            ...(values ? { ExpressionAttributeValues: values } : {}),
            ReturnValues: 'ALL_OLD',
          });
          return replaced?.ownerId !== ownerId;
        },
        () => undefined,
      );
    const mine = await claim('attribute_not_exists(pk) OR ownerId = :me', { ':me': ownerId });
    if (mine !== undefined) return mine;
    const existing = await this.table.get(key);
    if (!existing) {
      // Released between our put and our read: try once more, as a plain create.
      if ((await claim('attribute_not_exists(pk)')) !== undefined) return true;
      throw new DirectoryError('uniqueness', 'userName is already taken');
    }
    if (await this.claimIsLive(existing, nameKey)) throw new DirectoryError('uniqueness', 'userName is already taken');
    // The claim's owner crashed before using it, was deleted, or was renamed: take it over, unless
    // someone else took it over first.
    if ((await claim('ownerId = :stale', { ':stale': existing.ownerId })) !== undefined) return true;
    throw new DirectoryError('uniqueness', 'userName is already taken');
  }

  /** Frees nameKey if ownerId still holds it; someone else's claim is left alone. */
  public async release(nameKey: string, ownerId: string): Promise<void> {
    await this.table.conditionally(
      'release userName',
      () => this.table.delete({ Key: claimKey(nameKey), ConditionExpression: 'ownerId = :me', ExpressionAttributeValues: { ':me': ownerId } }),
      () => undefined,
    );
  }

  private async claimIsLive(claim: Item, nameKey: string): Promise<boolean> {
    const owner = await this.table.get(codec.resourceKey({ type: 'User', id: String(claim.ownerId) }));
    if (owner) return !owner.deleted && owner.userNameKey === nameKey;
    // No owner yet: a create may still be in flight between its claim and its write.
    return this.now().getTime() - Date.parse(String(claim.claimedAt)) < STALE_CLAIM_MS;
  }
}
