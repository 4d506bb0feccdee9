import { hrMatchKeys } from '../../../directory/hrMatchKeys.js';
import type { UserRecord } from '../../../domain/DirectoryRecords.js';
import { keyFits } from '../keyFits.js';
import type { DirectoryTable, Item, ItemKey } from './DirectoryTable.js';

/**
 * Written once every user from before the index existed has been indexed. READY#2: emails are
 * keyed by their RFC 8265 canonical form and every user holds its look-alike claim (README
 * "Identifiers"); a table that only has the first version's READY is backfilled again.
 */
const MATCH_INDEX_READY: ItemKey = { pk: 'MATCHINDEX', sk: 'READY#2' };

/** What a user write must change in the index. */
export interface MatchKeyChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/**
 * The HR match-key index: one entry per (match key, user), so the users an HR event may mean are
 * found by a query instead of by reading every user. Entries are written before the user and
 * removed after it, so a crash in between leaves at worst an entry for a key the user does not have
 * (readers check the user), never a user the index cannot find.
 */
export class MatchKeyIndex {
  /** Once complete, the index stays complete: every later write maintains it. */
  private complete = false;

  public constructor(
    private readonly table: DirectoryTable,
    private readonly now: () => Date,
  ) {}

  /** The entries to add before writing `user` and to remove after, given the version it replaces. */
  public static changes(user: UserRecord, previous: UserRecord | undefined): MatchKeyChanges {
    const matchKeys = indexableMatchKeys(user);
    const previousMatchKeys = previous ? indexableMatchKeys(previous) : [];
    return {
      added: matchKeys.filter((matchKey) => !previousMatchKeys.includes(matchKey)),
      removed: previousMatchKeys.filter((matchKey) => !matchKeys.includes(matchKey)),
    };
  }

  /**
   * Entries carry the version of the user write that added them, and a removal takes only an entry
   * older than its own write: the removal runs after the write, so a later write may have added the
   * key back meanwhile, and its entry must stay (a missing entry hides the user from HR events).
   */
  public async add(userId: string, matchKeys: readonly string[], version: number): Promise<void> {
    for (const matchKey of matchKeys) {
      await this.table.conditionally(
        'index match key',
        () =>
          this.table.put({
            Item: { ...matchIndexEntry(matchKey, userId), version },
            ConditionExpression: 'attribute_not_exists(pk) OR attribute_not_exists(version) OR version < :version',
            ExpressionAttributeValues: { ':version': version },
          }),
        // A newer write of the user indexed the key already.
        () => undefined,
      );
    }
  }

  public async remove(userId: string, matchKeys: readonly string[], version: number): Promise<void> {
    for (const matchKey of matchKeys) {
      await this.table.conditionally(
        'unindex match key',
        () =>
          this.table.delete({
            Key: matchIndexKey(matchKey, userId),
            ConditionExpression: 'attribute_not_exists(version) OR version < :version',
            ExpressionAttributeValues: { ':version': version },
          }),
        // Gone already, or re-added by a newer write: either way not this write's to remove.
        () => undefined,
      );
    }
  }

  /** Users that had matchKey when written; some may no longer have it. */
  public async userIds(matchKey: string): Promise<string[]> {
    const { pk } = matchIndexKey(matchKey, '');
    if (!keyFits(pk)) return [];
    const items = await this.table.query('find by match key', {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
    return items.map((item) => String(item.userId));
  }

  public async isComplete(): Promise<boolean> {
    if (this.complete) return true;
    this.complete = (await this.table.get(MATCH_INDEX_READY)) !== undefined;
    return this.complete;
  }

  /** Indexes these users (all of them, written before the index existed), then marks it complete. */
  public async backfill(users: readonly UserRecord[]): Promise<number> {
    const entries = users.flatMap((user) => indexableMatchKeys(user).map((matchKey) => matchIndexEntry(matchKey, user.id)));
    // Batched: one put per entry would not finish within a Lambda's time on a large directory.
    await this.table.run('backfill the match index', () => this.table.batchPut(entries));
    await this.table.run('mark the match index complete', () =>
      this.table.put({ Item: { ...MATCH_INDEX_READY, type: 'MatchIndexReady', completedAt: this.now().toISOString(), users: users.length } }),
    );
    this.complete = true;
    return users.length;
  }
}

/** The user's HR match keys that an index key can hold (a longer email is never matched). */
function indexableMatchKeys(user: UserRecord): string[] {
  return hrMatchKeys(user.attributes).filter((matchKey) => keyFits(matchIndexKey(matchKey, user.id).pk));
}

function matchIndexEntry(matchKey: string, userId: string): Item {
  return { ...matchIndexKey(matchKey, userId), type: 'MatchKey', userId };
}

function matchIndexKey(matchKey: string, userId: string): ItemKey {
  return { pk: `MATCH#${matchKey}`, sk: userId };
}
