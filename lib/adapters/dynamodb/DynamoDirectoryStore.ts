import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DirectoryError } from '../../domain/DirectoryError.js';
import { hrMatchKeys } from '../../directory/hrMatchKeys.js';
import type {
  GroupRecord,
  MembershipChange,
  Outbox,
  PendingOutbox,
  ResourceKey,
  ResourceType,
  UserRecord,
} from '../../domain/DirectoryRecords.js';
import type { DirectoryStore, Membership } from '../../ports/DirectoryStore.js';

/** What a conditional write expects to find: nothing yet, or the version that was read. */
type Expected = { readonly absent: true } | { readonly version: number };
const expectedFrom = (previous: { version: number } | undefined): Expected =>
  previous ? { version: previous.version } : { absent: true };
import { batchGetAll } from './batchGetAll.js';
import { batchPutAll } from './batchPutAll.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';
import { keyFits } from './keyFits.js';
import { queryAll } from './queryAll.js';

type Item = Record<string, unknown>;

/** A crashed create leaves its userName claim behind; after this long it may be taken over. */
const STALE_CLAIM_MS = 60_000;
const PENDING_PARTITION = 'PENDING';

const resourceKey = (key: ResourceKey): Item => ({ pk: `${key.type.toUpperCase()}#${key.id}`, sk: key.type.toUpperCase() });
const userNameKey = (userName: string): string => userName.normalize('NFC').toLowerCase();
const claimKey = (nameKey: string): Item => ({ pk: `USERNAME#${nameKey}`, sk: 'CLAIM' });
const membershipKey = (groupId: string, memberId: string): Item => ({ pk: `GROUP#${groupId}`, sk: `MEMBER#${memberId}` });

/**
 * The directory in one DynamoDB table (see README "Data model"): resources, userName claims and
 * membership rows. Conditional writes stand in for transactions, which the embedded engine lacks.
 */
export class DynamoDirectoryStore implements DirectoryStore {
  private matchIndexReady = false;

  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async getUser(id: string): Promise<UserRecord | undefined> {
    const item = await this.getItem(resourceKey({ type: 'User', id }));
    return item && !item.deleted ? toUser(item) : undefined;
  }

  public async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    const items = await this.batchGet([...new Set(ids)].map((id) => resourceKey({ type: 'User', id })).filter(storable));
    return items.filter((item) => !item.deleted).map(toUser);
  }

  public async findUserByUserName(userName: string): Promise<UserRecord | undefined> {
    const nameKey = userNameKey(userName);
    const claim = await this.getItem(claimKey(nameKey));
    if (!claim) return undefined;
    const user = await this.getUser(String(claim.ownerId));
    // A claim outlives a crashed rename or delete; only the owner's current name counts.
    return user && userNameKey(user.userName) === nameKey ? user : undefined;
  }

  public async findIdsByExternalId(type: ResourceType, externalId: string): Promise<string[]> {
    if (!keyFits(`EXT#${type}#${externalId}`)) return [];
    const items = await this.run('find by externalId', () =>
      queryAll(this.db, {
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `EXT#${type}#${externalId}` },
      }),
    );
    return items.filter((item) => !item.deleted).map((item) => String(item.id));
  }

  public async listUsers(): Promise<UserRecord[]> {
    return (await this.listType('User')).map(toUser);
  }

  public async getGroup(id: string): Promise<GroupRecord | undefined> {
    const item = await this.getItem(resourceKey({ type: 'Group', id }));
    return item && !item.deleted ? toGroup(item) : undefined;
  }

  public async getGroups(ids: readonly string[]): Promise<GroupRecord[]> {
    const items = await this.batchGet([...new Set(ids)].map((id) => resourceKey({ type: 'Group', id })).filter(storable));
    return items.filter((item) => !item.deleted).map(toGroup);
  }

  public async listGroups(): Promise<GroupRecord[]> {
    return (await this.listType('Group')).map(toGroup);
  }

  public async membersOf(groupId: string): Promise<Membership[]> {
    if (!keyFits(`GROUP#${groupId}`)) return [];
    const items = await this.run('list members', () =>
      queryAll(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :member)',
        ExpressionAttributeValues: { ':pk': `GROUP#${groupId}`, ':member': 'MEMBER#' },
        ConsistentRead: true,
      }),
    );
    return items.map((item) => ({
      groupId,
      memberId: String(item.memberId),
      memberType: item.memberType as ResourceType,
    }));
  }

  public async groupIdsOf(memberId: string): Promise<string[]> {
    if (!keyFits(`MEMBEROF#${memberId}`)) return [];
    const items = await this.run('list groups of member', () =>
      queryAll(this.db, {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `MEMBEROF#${memberId}` },
      }),
    );
    return items.map((item) => String(item.groupId));
  }

  public async putUser(user: UserRecord, previous: UserRecord | undefined, outbox: Outbox): Promise<void> {
    const key = resourceKey({ type: 'User', id: user.id });
    const expected = expectedFrom(previous);
    const nameKey = userNameKey(user.userName);
    const previousNameKey = previous ? userNameKey(previous.userName) : undefined;
    const claimed = previousNameKey !== nameKey;
    if (claimed) await this.claimUserName(nameKey, user.id);
    // Match keys are indexed before the user is written, so a crash in between leaves at worst an
    // entry for keys the user does not have (readers check), never a user the index cannot find.
    const matchKeys = indexableMatchKeys(user);
    const previousMatchKeys = previous ? indexableMatchKeys(previous) : [];
    const added = matchKeys.filter((matchKey) => !previousMatchKeys.includes(matchKey));
    const removed = previousMatchKeys.filter((matchKey) => !matchKeys.includes(matchKey));
    try {
      await this.indexMatchKeys(user.id, added);
    } catch (error) {
      if (claimed) await this.releaseUserName(nameKey, user.id).catch(() => undefined);
      throw error;
    }
    const item: Item = {
      ...key,
      type: 'User',
      id: user.id,
      userName: user.userName,
      userNameKey: nameKey,
      active: user.active,
      ...commonAttributes(user, 'User'),
      ...outboxAttributes(outbox, { type: 'User', id: user.id }),
    };
    try {
      await this.conditionalPut(item, expected);
    } catch (error) {
      if (claimed) await this.releaseUserName(nameKey, user.id).catch(() => undefined);
      await this.unindexMatchKeys(user.id, added).catch(() => undefined);
      throw error;
    }
    // The old name is free again; if this fails the claim is stale and self-heals on next use.
    if (claimed && previousNameKey !== undefined) {
      await this.releaseUserName(previousNameKey, user.id).catch(() => undefined);
    }
    // Left behind if this fails: harmless, readers check the user still has the key.
    await this.unindexMatchKeys(user.id, removed).catch(() => undefined);
  }

  public async findUserIdsByMatchKey(matchKey: string): Promise<string[]> {
    const { pk } = matchIndexKey(matchKey, '');
    if (!keyFits(pk)) return [];
    const items = await this.run('find by match key', () =>
      queryAll(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      }),
    );
    return items.map((item) => String(item.userId));
  }

  public async hasMatchIndex(): Promise<boolean> {
    // Once complete, the index stays complete: every later write maintains it.
    if (this.matchIndexReady) return true;
    this.matchIndexReady = (await this.getItem(MATCH_INDEX_READY)) !== undefined;
    return this.matchIndexReady;
  }

  public async backfillMatchIndex(): Promise<number> {
    const users = await this.listUsers();
    const entries = users.flatMap((user) => indexableMatchKeys(user).map((matchKey) => matchIndexEntry(matchKey, user.id)));
    await this.run('backfill the match index', () => batchPutAll(this.db, this.tableName, entries));
    await this.run('mark the match index complete', () =>
      this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...MATCH_INDEX_READY, type: 'MatchIndexReady', completedAt: this.now().toISOString(), users: users.length } })),
    );
    this.matchIndexReady = true;
    return users.length;
  }

  private async indexMatchKeys(userId: string, matchKeys: readonly string[]): Promise<void> {
    for (const matchKey of matchKeys) {
      await this.run('index match key', () =>
        this.db.send(new PutCommand({ TableName: this.tableName, Item: matchIndexEntry(matchKey, userId) })),
      );
    }
  }

  private async unindexMatchKeys(userId: string, matchKeys: readonly string[]): Promise<void> {
    for (const matchKey of matchKeys) {
      await this.run('unindex match key', () => this.db.send(new DeleteCommand({ TableName: this.tableName, Key: matchIndexKey(matchKey, userId) })));
    }
  }

  public async putGroup(group: GroupRecord, previous: GroupRecord | undefined, outbox: Outbox): Promise<void> {
    const expected = expectedFrom(previous);
    const item: Item = {
      ...resourceKey({ type: 'Group', id: group.id }),
      type: 'Group',
      id: group.id,
      displayName: group.displayName,
      ...commonAttributes(group, 'Group'),
      ...outboxAttributes(outbox, { type: 'Group', id: group.id }),
    };
    await this.conditionalPut(item, expected);
  }

  public async markDeleted(key: ResourceKey, version: number, outbox: Outbox): Promise<void> {
    const pending = outboxAttributes(outbox, key);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: resourceKey(key),
          UpdateExpression:
            'SET deleted = :true, version = version + :one, outbox = :outbox, outboxId = :outboxId, pendingPk = :pendingPk, pendingSk = :pendingSk',
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
          },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw await this.explainConflict(resourceKey(key), { version });
      throw unavailable('mark deleted', error);
    }
  }

  public async applyMembership(change: MembershipChange): Promise<void> {
    const key = membershipKey(change.groupId, change.memberId);
    await this.run('apply membership', async () => {
      if (change.op === 'remove') {
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
        return;
      }
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            type: 'Membership',
            groupId: change.groupId,
            memberId: change.memberId,
            memberType: change.memberType,
            gsi1pk: `MEMBEROF#${change.memberId}`,
            gsi1sk: change.groupId,
          },
        }),
      );
    });
  }

  public async completeOutbox(key: ResourceKey, outbox: Outbox): Promise<void> {
    const itemKey = resourceKey(key);
    const ifStillPending = { ConditionExpression: 'outboxId = :outboxId', ExpressionAttributeValues: { ':outboxId': outbox.id } };
    try {
      if (outbox.deleteAfter) {
        const item = await this.getItem(itemKey);
        if (!item || item.outboxId !== outbox.id) return;
        if (key.type === 'User') await this.releaseUserName(String(item.userNameKey), key.id);
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: itemKey, ...ifStillPending }));
        return;
      }
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey,
          UpdateExpression: 'REMOVE outbox, outboxId, pendingPk, pendingSk',
          ...ifStillPending,
        }),
      );
    } catch (error) {
      // Someone else completed it first (or it is gone): the outcome we wanted.
      if (isConditionalCheckFailed(error)) return;
      throw unavailable('complete outbox', error);
    }
  }

  public async pendingOutbox(key: ResourceKey): Promise<PendingOutbox | undefined> {
    const item = await this.getItem(resourceKey(key));
    if (!item || typeof item.outbox !== 'string') return undefined;
    return { key, outbox: JSON.parse(item.outbox) as Outbox };
  }

  public async listPendingOutboxes(limit: number): Promise<PendingOutbox[]> {
    const items = await this.run('list pending outboxes', () =>
      queryAll(
        this.db,
        {
          TableName: this.tableName,
          IndexName: 'pending',
          KeyConditionExpression: 'pendingPk = :pk',
          ExpressionAttributeValues: { ':pk': PENDING_PARTITION },
        },
        limit,
      ),
    );
    return items
      .filter((item) => typeof item.outbox === 'string')
      .map((item) => ({
        key: { type: item.type as ResourceType, id: String(item.id) },
        outbox: JSON.parse(String(item.outbox)) as Outbox,
      }));
  }

  private async listType(type: ResourceType): Promise<Item[]> {
    const items = await this.run(`list ${type}s`, () =>
      queryAll(this.db, {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `TYPE#${type}` },
      }),
    );
    return items.filter((item) => !item.deleted);
  }

  private async conditionalPut(item: Item, expected: Expected): Promise<void> {
    const condition =
      'version' in expected
        ? {
            ConditionExpression:
              'version = :version AND attribute_not_exists(outboxId) AND attribute_not_exists(deleted)',
            ExpressionAttributeValues: { ':version': expected.version },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' };
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw await this.explainConflict({ pk: item.pk, sk: item.sk }, expected);
      throw unavailable('write resource', error);
    }
  }

  /** A failed condition means one of three things; read the item to say which. */
  private async explainConflict(key: Item, expected: Expected): Promise<DirectoryError> {
    const current = await this.getItem(key);
    if (current && typeof current.outboxId === 'string') {
      return new DirectoryError('outboxPending', `${String(key.pk)} has undelivered changes`);
    }
    if ('absent' in expected) return new DirectoryError('uniqueness', `${String(key.pk)} already exists`);
    return new DirectoryError('versionMismatch', `${String(key.pk)} changed since it was read`);
  }

  private async claimUserName(nameKey: string, ownerId: string): Promise<void> {
    const key = claimKey(nameKey);
    const claim = (condition: string, values: Item): Promise<boolean> =>
      this.db
        .send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, type: 'UserNameClaim', ownerId, claimedAt: this.now().toISOString() },
            ConditionExpression: condition,
            ExpressionAttributeValues: values,
          }),
        )
        .then(
          () => true,
          (error: unknown) => {
            if (isConditionalCheckFailed(error)) return false;
            throw unavailable('claim userName', error);
          },
        );
    if (await claim('attribute_not_exists(pk) OR ownerId = :me', { ':me': ownerId })) return;
    const existing = await this.getItem(key);
    if (!existing) {
      if (await claim('attribute_not_exists(pk)', {})) return;
      throw new DirectoryError('uniqueness', 'userName is already taken');
    }
    if (await this.claimIsLive(existing, nameKey)) throw new DirectoryError('uniqueness', 'userName is already taken');
    // The claim's owner crashed before using it, was deleted, or was renamed: take it over.
    if (await claim('ownerId = :stale', { ':stale': existing.ownerId })) return;
    throw new DirectoryError('uniqueness', 'userName is already taken');
  }

  private async claimIsLive(claim: Item, nameKey: string): Promise<boolean> {
    const owner = await this.getItem(resourceKey({ type: 'User', id: String(claim.ownerId) }));
    if (owner) return !owner.deleted && owner.userNameKey === nameKey;
    // No owner yet: a create may still be in flight between its claim and its write.
    return this.now().getTime() - Date.parse(String(claim.claimedAt)) < STALE_CLAIM_MS;
  }

  private async releaseUserName(nameKey: string, ownerId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: claimKey(nameKey),
          ConditionExpression: 'ownerId = :me',
          ExpressionAttributeValues: { ':me': ownerId },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw unavailable('release userName', error);
    }
  }

  private getItem(key: Item): Promise<Item | undefined> {
    // Ids, userNames and externalIds come from URLs and filters; one too long for a key names nothing.
    if (!storable(key)) return Promise.resolve(undefined);
    return this.run('read item', async () => {
      const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      return result.Item as Item | undefined;
    });
  }

  private batchGet(keys: Item[]): Promise<Item[]> {
    return this.run('batch read', () => batchGetAll(this.db, this.tableName, keys));
  }

  private async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof DirectoryError) throw error;
      throw unavailable(what, error);
    }
  }
}

/** One index entry per (match key, user): the users an HR event may mean, found by a query. */
/** The user's HR match keys that an index key can hold (a longer email is never matched). */
function indexableMatchKeys(user: UserRecord): string[] {
  return hrMatchKeys(user.attributes).filter((matchKey) => keyFits(matchIndexKey(matchKey, user.id).pk));
}

function matchIndexEntry(matchKey: string, userId: string): Item {
  return { ...matchIndexKey(matchKey, userId), type: 'MatchKey', userId };
}

function matchIndexKey(matchKey: string, userId: string): { pk: string; sk: string } {
  return { pk: `MATCH#${matchKey}`, sk: userId };
}

const MATCH_INDEX_READY = { pk: 'MATCHINDEX', sk: 'READY' } as const;

function storable(key: Item): boolean {
  return keyFits(String(key.pk), String(key.sk));
}

function unavailable(what: string, cause: unknown): DirectoryError {
  return new DirectoryError('unavailable', `Directory store failed to ${what}`, { cause });
}

function commonAttributes(record: UserRecord | GroupRecord, type: ResourceType): Item {
  return {
    externalId: record.externalId,
    version: record.version,
    created: record.created,
    lastModified: record.lastModified,
    // JSON keeps SCIM values exactly as validated (DynamoDB maps would drop empty sets, reorder, ...).
    data: JSON.stringify(record.attributes),
    gsi1pk: `TYPE#${type}`,
    gsi1sk: record.id,
    ...(record.externalId ? { gsi2pk: `EXT#${type}#${record.externalId}`, gsi2sk: record.id } : {}),
  };
}

function outboxAttributes(outbox: Outbox, key: ResourceKey): Item & { outbox: string; outboxId: string; pendingPk: string; pendingSk: string } {
  return {
    outbox: JSON.stringify(outbox),
    outboxId: outbox.id,
    pendingPk: PENDING_PARTITION,
    pendingSk: `${outbox.createdAt}#${key.type}#${key.id}`,
  };
}

function baseRecord(item: Item): Omit<UserRecord, 'userName' | 'active'> {
  return {
    id: String(item.id),
    ...(typeof item.externalId === 'string' ? { externalId: item.externalId } : {}),
    version: Number(item.version),
    created: String(item.created),
    lastModified: String(item.lastModified),
    attributes: JSON.parse(String(item.data)) as Record<string, unknown>,
  };
}

function toUser(item: Item): UserRecord {
  return { ...baseRecord(item), userName: String(item.userName), active: item.active === true };
}

function toGroup(item: Item): GroupRecord {
  return { ...baseRecord(item), displayName: String(item.displayName) };
}
