import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DirectoryError } from '../../domain/DirectoryError.js';
import type {
  GroupRecord,
  MembershipChange,
  Outbox,
  PendingOutbox,
  ResourceKey,
  ResourceType,
  UserRecord,
} from '../../domain/DirectoryRecords.js';
import type { DirectoryStore, MatchIndexBackfill, Membership } from '../../ports/DirectoryStore.js';
import { DirectoryTable, type Item } from './directory/DirectoryTable.js';
import { directoryItemCodec as codec } from './directory/directoryItemCodec.js';
import { MatchKeyIndex } from './directory/MatchKeyIndex.js';
import { OutboxItems } from './directory/OutboxItems.js';
import { ResourceWrites } from './directory/ResourceWrites.js';
import { type ClaimKind, UserNameClaims } from './directory/UserNameClaims.js';
import { keyFits } from './keyFits.js';

/**
 * The directory in one DynamoDB table (see README "Data model"): resources, userName claims,
 * HR match-key entries and membership rows. Conditional writes stand in for transactions, which the
 * embedded engine lacks; the parts in ./directory/ each own one kind of item.
 */
export class DynamoDirectoryStore implements DirectoryStore {
  private readonly table: DirectoryTable;
  private readonly claims: UserNameClaims;
  private readonly matchIndex: MatchKeyIndex;
  private readonly outboxes: OutboxItems;
  private readonly resources: ResourceWrites;

  public constructor(db: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.table = new DirectoryTable(db, tableName);
    this.claims = new UserNameClaims(this.table, now);
    this.matchIndex = new MatchKeyIndex(this.table, now);
    this.outboxes = new OutboxItems(this.table, this.claims, now);
    this.resources = new ResourceWrites(this.table);
  }

  public async getUser(id: string): Promise<UserRecord | undefined> {
    const item = await this.table.get(codec.resourceKey({ type: 'User', id }));
    return item && !item.deleted ? codec.toUser(item) : undefined;
  }

  public async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    const items = await this.table.batchGet([...new Set(ids)].map((id) => codec.resourceKey({ type: 'User', id })));
    return items.filter((item) => !item.deleted).map(codec.toUser);
  }

  public async findUserByUserName(userName: string): Promise<UserRecord | undefined> {
    const nameKey = codec.userNameKey(userName);
    const ownerId = await this.claims.ownerOf('userName', nameKey);
    const user = ownerId === undefined ? undefined : await this.getUser(ownerId);
    // A claim outlives a crashed rename or delete; only the owner's current name counts.
    if (user && codec.userNameKey(user.userName) === nameKey) return user;
    // Until the backfill has claimed every name by today's rules, an older user may hold its name
    // under the key it was written with only.
    if (await this.matchIndex.isComplete()) return undefined;
    return (await this.listUsers()).find((other) => codec.userNameKey(other.userName) === nameKey);
  }

  public async findIdsByExternalId(type: ResourceType, externalId: string): Promise<string[]> {
    const pk = codec.externalIdIndexKey(type, externalId);
    if (!keyFits(pk)) return [];
    const items = await this.table.query('find by externalId', { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': pk } });
    return items.filter((item) => !item.deleted).map((item) => String(item.id));
  }

  public async listUsers(): Promise<UserRecord[]> {
    return (await this.listType('User')).map(codec.toUser);
  }

  public findUserIdsByMatchKey(matchKey: string): Promise<string[]> {
    return this.matchIndex.userIds(matchKey);
  }

  public hasMatchIndex(): Promise<boolean> {
    return this.matchIndex.isComplete();
  }

  public async backfillMatchIndex(): Promise<MatchIndexBackfill> {
    const users = await this.listUsers();
    // Claims first: the index is marked complete last, and a complete index is what says that
    // every user's claims follow today's rules.
    const collidingUserIds = await this.claims.backfill(users);
    return { users: await this.matchIndex.backfill(users), collidingUserIds };
  }

  public async getGroup(id: string): Promise<GroupRecord | undefined> {
    const item = await this.table.get(codec.resourceKey({ type: 'Group', id }));
    return item && !item.deleted ? codec.toGroup(item) : undefined;
  }

  public async getGroups(ids: readonly string[]): Promise<GroupRecord[]> {
    const items = await this.table.batchGet([...new Set(ids)].map((id) => codec.resourceKey({ type: 'Group', id })));
    return items.filter((item) => !item.deleted).map(codec.toGroup);
  }

  public async listGroups(): Promise<GroupRecord[]> {
    return (await this.listType('Group')).map(codec.toGroup);
  }

  public async membersOf(groupId: string): Promise<Membership[]> {
    // The group's partition and the prefix every member row's sort key starts with.
    const { pk, sk: memberPrefix } = codec.membershipKey(groupId, '');
    if (!keyFits(pk)) return [];
    // queryAll follows LastEvaluatedKey: a group of any size comes back whole, a page at a time.
    const items = await this.table.query('list members', {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
      FilterExpression: 'attribute_not_exists(removed)',
      ExpressionAttributeValues: { ':pk': pk, ':member': memberPrefix },
      ConsistentRead: true,
    });
    return items.map((item) => codec.toMembership(groupId, item));
  }

  public async groupIdsOf(memberId: string): Promise<string[]> {
    const pk = codec.memberOfIndexKey(memberId);
    if (!keyFits(pk)) return [];
    const items = await this.table.query('list groups of member', { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': pk } });
    return items.map((item) => String(item.groupId));
  }

  /**
   * Claim the new userName, index the new match keys, write the user, then release the old name and
   * remove the old keys. A failure before the write undoes what came before it; after the write,
   * what is left behind is harmless (a stale claim heals on next use, readers check index entries).
   */
  public async putUser(user: UserRecord, previous: UserRecord | undefined, outbox: Outbox): Promise<void> {
    const claims = (['userName', 'lookalike'] as const).map((kind) => ({
      kind,
      key: keyOf(kind, user.userName),
      previousKey: previous ? keyOf(kind, previous.userName) : undefined,
    }));
    const changed = claims.filter((claim) => claim.previousKey !== claim.key);
    if (changed.length > 0) await this.refuseUnclaimedLookalike(user);
    // Released again if this write fails, unless the user held the key already (a stale rename or a
    // repeated create): then the key is theirs by the write that won, and stays taken.
    const newlyClaimed: typeof changed = [];
    try {
      for (const claim of changed) if (await this.claims.claim(claim.kind, claim.key, user.id)) newlyClaimed.push(claim);
    } catch (error) {
      await this.releaseAll(newlyClaimed, user.id, 'key');
      throw error;
    }
    // Indexed before the user is written, so a crash in between leaves at worst an entry for keys the
    // user does not have (readers check), never a user the index cannot find. A failed write leaves
    // them too, for the same reason: the stored version of the user may have them.
    const { added, removed } = MatchKeyIndex.changes(user, previous);
    try {
      await this.matchIndex.add(user.id, added, user.version);
      await this.outboxes.writeWith(outbox, { type: 'User', id: user.id }, (pending) => this.resources.put({ ...codec.userItem(user), ...pending }, previous));
    } catch (error) {
      await this.releaseAll(newlyClaimed, user.id, 'key');
      throw error;
    }
    // The old name is free again; if this fails the claim is stale and self-heals on next use.
    await this.releaseAll(changed, user.id, 'previousKey');
    // Left behind if this fails: harmless, readers check the user still has the key.
    await this.matchIndex.remove(user.id, removed, user.version).catch(() => undefined);
  }

  public async putGroup(group: GroupRecord, previous: GroupRecord | undefined, outbox: Outbox): Promise<void> {
    await this.outboxes.writeWith(outbox, { type: 'Group', id: group.id }, (pending) => this.resources.put({ ...codec.groupItem(group), ...pending }, previous));
  }

  public markDeleted(key: ResourceKey, version: number, outbox: Outbox): Promise<void> {
    return this.outboxes.writeWith(outbox, key, (pending) => this.resources.markDeleted(key, version, pending));
  }

  /**
   * A removal leaves a marker row (no member-of index entry, skipped by membersOf) holding its
   * version, so an older add delivered late finds a newer row and changes nothing.
   */
  public async applyMembership(change: MembershipChange): Promise<void> {
    const item = change.op === 'add' ? codec.membershipItem(change) : codec.membershipRemovedItem(change);
    if (!keyFits(String(item.pk), String(item.sk))) return;
    // A change without a version is from an outbox written before rows were versioned: older than
    // any versioned row, so it replaces only rows as unversioned as itself.
    const newer = change.version === undefined ? {} : { ConditionExpression: 'attribute_not_exists(pk) OR attribute_not_exists(version) OR version < :version', ExpressionAttributeValues: { ':version': change.version } };
    await this.table.conditionally(
      'apply membership',
      () => this.table.put({ Item: item, ConditionExpression: 'attribute_not_exists(pk) OR attribute_not_exists(version)', ...newer }),
      // The row is at this version or a newer one already: a redelivery, or an older outbox late.
      () => undefined,
    );
  }

  public recordOutboxProgress(key: ResourceKey, outboxId: string, deliveredParts: number): Promise<void> {
    return this.outboxes.recordProgress(key, outboxId, deliveredParts);
  }

  public completeOutbox(key: ResourceKey, outbox: Outbox): Promise<void> {
    return this.outboxes.complete(key, outbox);
  }

  public pendingOutbox(key: ResourceKey): Promise<PendingOutbox | undefined> {
    return this.outboxes.pending(key);
  }

  public listPendingOutboxes(limit: number): Promise<PendingOutbox[]> {
    return this.outboxes.listPending(limit);
  }

  /** Best effort: a claim left behind is stale once its owner no longer has the key, and heals. */
  private async releaseAll(claims: readonly { kind: ClaimKind; key: string; previousKey?: string | undefined }[], ownerId: string, which: 'key' | 'previousKey'): Promise<void> {
    for (const claim of claims) {
      const key = claim[which];
      if (key !== undefined) await this.claims.release(claim.kind, key, ownerId).catch(() => undefined);
    }
  }

  /**
   * Until the backfill has given every older user its claims (a store written before look-alike
   * claims existed), a new or renamed user is also compared with every user, so that a look-alike
   * of an older user is refused from the first write after the upgrade.
   */
  private async refuseUnclaimedLookalike(user: UserRecord): Promise<void> {
    if (await this.matchIndex.isComplete()) return;
    const nameKey = codec.userNameKey(user.userName);
    const lookalike = codec.lookalikeKey(user.userName);
    const other = (await this.listUsers()).find(
      (existing) => existing.id !== user.id && (codec.userNameKey(existing.userName) === nameKey || codec.lookalikeKey(existing.userName) === lookalike),
    );
    if (other) throw new DirectoryError('uniqueness', 'userName looks like one already taken');
  }

  private async listType(type: ResourceType): Promise<Item[]> {
    const items = await this.table.query(`list ${type}s`, { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': codec.typeIndexKey(type) } });
    return items.filter((item) => !item.deleted);
  }
}

function keyOf(kind: ClaimKind, userName: string): string {
  return kind === 'userName' ? codec.userNameKey(userName) : codec.lookalikeKey(userName);
}
