import { DirectoryError } from '../../../domain/DirectoryError.js';
import type { UserRecord } from '../../../domain/DirectoryRecords.js';
import { directoryItemCodec as codec } from './directoryItemCodec.js';
import type { DirectoryTable, Item, ItemKey } from './DirectoryTable.js';

/** A crashed create leaves its userName claim behind; after this long it may be taken over. */
const STALE_CLAIM_MS = 60_000;
/** Claims the backfill makes at once: conditional puts cannot be batched. */
const BACKFILL_CONCURRENCY = 16;

/**
 * What a claim is on: the canonical userName (codec.userNameKey) or its confusable skeleton
 * (codec.lookalikeKey). A user holds one of each; both are unique across live users.
 */
export type ClaimKind = 'userName' | 'lookalike';

const CLAIMS: Readonly<Record<ClaimKind, { prefix: string; keyOf: (userName: string) => string; taken: string }>> = {
  userName: { prefix: 'USERNAME#', keyOf: codec.userNameKey, taken: 'userName is already taken' },
  lookalike: { prefix: 'LOOKALIKE#', keyOf: codec.lookalikeKey, taken: 'userName looks like one already taken' },
};

const claimKey = (kind: ClaimKind, key: string): ItemKey => ({ pk: `${CLAIMS[kind].prefix}${key}`, sk: 'CLAIM' });

/**
 * userName uniqueness without transactions: one claim item per name key and one per look-alike key,
 * created by a conditional put before the user is written and deleted once the user no longer
 * holds the name. A claim can outlive its purpose (a crash between claim and user write, a rename
 * or delete whose release failed), so a claim only counts while its owner still holds the key,
 * recomputed from the owner's userName (so claims written before a change of the key rules are
 * judged by today's rules).
 */
export class UserNameClaims {
  public constructor(
    private readonly table: DirectoryTable,
    private readonly now: () => Date,
  ) {}

  /** The user the claim names, if any; the caller checks that user still has the name. */
  public async ownerOf(kind: ClaimKind, key: string): Promise<string | undefined> {
    const claim = await this.table.get(claimKey(kind, key));
    return claim ? String(claim.ownerId) : undefined;
  }

  /**
   * Claims key for ownerId, or throws DirectoryError 'uniqueness'. Returns false when ownerId
   * already held it: a write that fails after such a claim must not release it, as the name is the
   * owner's by an earlier write (a stale rename, a repeated create).
   */
  public async claim(kind: ClaimKind, key: string, ownerId: string): Promise<boolean> {
    const itemKey = claimKey(kind, key);
    const taken = (): DirectoryError => new DirectoryError('uniqueness', CLAIMS[kind].taken);
    /** undefined when the condition failed, else whether the claim is new to ownerId. */
    const claim = (condition: string, values?: Item): Promise<boolean | undefined> =>
      this.table.conditionally(
        `claim ${kind}`,
        async () => {
          const replaced = await this.table.put({
            Item: { ...itemKey, type: kind === 'userName' ? 'UserNameClaim' : 'LookalikeClaim', ownerId, claimedAt: this.now().toISOString() },
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
    const existing = await this.table.get(itemKey);
    if (!existing) {
      // Released between our put and our read: try once more, as a plain create.
      if ((await claim('attribute_not_exists(pk)')) !== undefined) return true;
      throw taken();
    }
    if (await this.claimIsLive(kind, existing, key)) throw taken();
    // The claim's owner crashed before using it, was deleted, or was renamed: take it over, unless
    // someone else took it over first.
    if ((await claim('ownerId = :stale', { ':stale': existing.ownerId })) !== undefined) return true;
    throw taken();
  }

  /** Frees key if ownerId still holds it; someone else's claim is left alone. */
  public async release(kind: ClaimKind, key: string, ownerId: string): Promise<void> {
    await this.table.conditionally(
      `release ${kind}`,
      () => this.table.delete({ Key: claimKey(kind, key), ConditionExpression: 'ownerId = :me', ExpressionAttributeValues: { ':me': ownerId } }),
      () => undefined,
    );
  }

  /**
   * Frees every claim a deleted user's item may hold: the keys it was written with and the keys of
   * its userName by today's rules (an item written before look-alike claims has only the first).
   */
  public async releaseHeld(item: Item, ownerId: string): Promise<void> {
    for (const kind of ['userName', 'lookalike'] as const) {
      const stored = item[`${kind}Key`];
      const keys = new Set([CLAIMS[kind].keyOf(String(item.userName)), ...(typeof stored === 'string' ? [stored] : [])]);
      for (const key of keys) await this.release(kind, key, ownerId);
    }
  }

  /**
   * Claims both keys for users written before the claims followed today's rules, oldest first, and
   * returns the ids of the users that could not have one because an earlier user holds it. Those
   * users keep working as they are (a write that keeps their name claims nothing); they are
   * reported, not changed.
   */
  public async backfill(users: readonly UserRecord[]): Promise<string[]> {
    const ordered = [...users].sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
    const colliding: string[] = [];
    const claimBoth = async (user: UserRecord): Promise<void> => {
      for (const kind of ['userName', 'lookalike'] as const) {
        try {
          await this.claim(kind, CLAIMS[kind].keyOf(user.userName), user.id);
        } catch (error) {
          if (!(error instanceof DirectoryError && error.code === 'uniqueness')) throw error;
          if (!colliding.includes(user.id)) colliding.push(user.id);
        }
      }
    };
    for (let start = 0; start < ordered.length; start += BACKFILL_CONCURRENCY) {
      await Promise.all(ordered.slice(start, start + BACKFILL_CONCURRENCY).map(claimBoth));
    }
    return colliding.sort();
  }

  private async claimIsLive(kind: ClaimKind, claim: Item, key: string): Promise<boolean> {
    const owner = await this.table.get(codec.resourceKey({ type: 'User', id: String(claim.ownerId) }));
    if (owner) return !owner.deleted && CLAIMS[kind].keyOf(String(owner.userName)) === key;
    // No owner yet: a create may still be in flight between its claim and its write.
    return this.now().getTime() - Date.parse(String(claim.claimedAt)) < STALE_CLAIM_MS;
  }
}
