import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AccessError } from '../../domain/AccessError.js';
import type { AccountLinkOutcome, AccountStatus, ActualAccess, PlannedAccess } from '../../domain/AccessRecords.js';
import type { AccessStore } from '../../ports/AccessStore.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';
import { keyFits } from './keyFits.js';
import { queryAll } from './queryAll.js';

type Item = Record<string, unknown>;

const personKey = (personId: string): string => `PERSON#${personId}`;
/** JSON keeps app "a#b" with account "c" apart from app "a" with account "b#c". */
const linkKey = (app: string, accountId: string): Item => ({ pk: `LINK#${JSON.stringify([app, accountId])}`, sk: 'LINK' });

/** Planned and actual access in the Access table (see README "Data model"). */
export class DynamoAccessStore implements AccessStore {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async getPlanned(personId: string): Promise<PlannedAccess | undefined> {
    if (!keyFits(personKey(personId))) return undefined;
    const item = await this.run('read planned access', async () =>
      (await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: personKey(personId), sk: 'PLANNED' }, ConsistentRead: true }))).Item,
    );
    return item ? (JSON.parse(String(item.data)) as PlannedAccess) : undefined;
  }

  public async putPlanned(next: PlannedAccess): Promise<void> {
    const pending = next.pendingSteps?.length ? { pendingPk: 'PENDING', pendingSk: next.personId } : {};
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: personKey(next.personId), sk: 'PLANNED', version: next.version, data: JSON.stringify(next), ...pending },
          ...(next.version === 1
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :previous', ExpressionAttributeValues: { ':previous': next.version - 1 } }),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new AccessError('versionMismatch', `Planned access of ${next.personId} changed concurrently`);
      throw new AccessError('unavailable', 'Access store failed to write planned access', { cause: error });
    }
  }

  public async clearPendingSteps(personId: string, version: number): Promise<void> {
    const current = await this.getPlanned(personId);
    if (!current || current.version !== version || !current.pendingSteps) return;
    const { pendingSteps: _done, ...rest } = current;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: personKey(personId), sk: 'PLANNED', version, data: JSON.stringify(rest) },
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': version },
        }),
      );
    } catch (error) {
      // A newer plan replaced this one; its own pending steps are its writer's to clear.
      if (!isConditionalCheckFailed(error)) throw new AccessError('unavailable', 'Access store failed to clear pending steps', { cause: error });
    }
  }

  public async listPendingPlans(limit: number): Promise<PlannedAccess[]> {
    const items = await this.run('list pending plans', () =>
      queryAll(
        this.db,
        { TableName: this.tableName, IndexName: 'pending', KeyConditionExpression: 'pendingPk = :p', ExpressionAttributeValues: { ':p': 'PENDING' } },
        limit,
      ),
    );
    return items.map((item) => JSON.parse(String(item.data)) as PlannedAccess);
  }

  public async getActual(personId: string, app: string): Promise<ActualAccess | undefined> {
    if (!keyFits(personKey(personId), `APP#${app}`)) return undefined;
    const item = await this.run('read access', async () =>
      (await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: personKey(personId), sk: `APP#${app}` }, ConsistentRead: true }))).Item,
    );
    return item ? toActual(item) : undefined;
  }

  public async listActual(personId: string): Promise<ActualAccess[]> {
    // A person id from a URL that no key can hold has no access.
    if (!keyFits(personKey(personId))) return [];
    const items = await this.run('list access', () =>
      queryAll(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :app)',
        ExpressionAttributeValues: { ':pk': personKey(personId), ':app': 'APP#' },
        ConsistentRead: true,
      }),
    );
    return items.map(toActual);
  }

  public async listActualByApp(app: string): Promise<ActualAccess[]> {
    const items = await this.run('list access by app', () =>
      queryAll(this.db, {
        TableName: this.tableName,
        IndexName: 'byApp',
        KeyConditionExpression: 'appPk = :app',
        ExpressionAttributeValues: { ':app': `APP#${app}` },
      }),
    );
    return items.map(toActual);
  }

  public async applyActual(
    personId: string,
    app: string,
    change: { status?: AccountStatus; accountId?: string; addEntitlement?: string; removeEntitlement?: string; at: string },
  ): Promise<void> {
    const sets = ['personId = :person', 'app = :app', 'appPk = :appPk', 'appSk = :person', 'updatedAt = :at'];
    const values: Item = { ':person': personId, ':app': app, ':appPk': `APP#${app}`, ':at': change.at };
    if (change.status) {
      sets.push('#status = :status');
      values[':status'] = change.status;
    }
    if (change.accountId) {
      sets.push('accountId = :account');
      values[':account'] = change.accountId;
    }
    let expression = `SET ${sets.join(', ')}`;
    // String-set ADD and DELETE are atomic and idempotent: repeating a step changes nothing.
    if (change.addEntitlement) {
      expression += ' ADD entitlements :entitlement';
      values[':entitlement'] = new Set([change.addEntitlement]);
    } else if (change.removeEntitlement) {
      expression += ' DELETE entitlements :entitlement';
      values[':entitlement'] = new Set([change.removeEntitlement]);
    }
    await this.run('record access', () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: personKey(personId), sk: `APP#${app}` },
          UpdateExpression: expression,
          ExpressionAttributeNames: change.status ? { '#status': 'status' } : undefined,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  public async accountHolder(app: string, accountId: string): Promise<string | undefined> {
    const holder = await this.linkHolder(app, accountId);
    if (holder !== undefined) return holder;
    // Before links were recorded, the account id in actual access was the only record; the byApp
    // index finds such a row (read once per app account, on this rare path), and it becomes a link.
    const legacy = (await this.listActualByApp(app)).find((row) => row.accountId === accountId && row.status !== 'deleted');
    if (!legacy) return undefined;
    const outcome = await this.claimLink(legacy.personId, app, accountId, legacy.updatedAt, 'attribute_not_exists(pk)');
    return outcome ? legacy.personId : this.linkHolder(app, accountId);
  }

  public async linkAccount(personId: string, app: string, accountId: string, at: string): Promise<AccountLinkOutcome> {
    // A holder may release the link between the refused write and the read: then try once more.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.claimLink(personId, app, accountId, at, 'attribute_not_exists(pk) OR personId = :me')) return { linked: true };
      const holder = await this.linkHolder(app, accountId);
      if (holder !== undefined && holder !== personId) return { linked: false, holder };
    }
    throw new AccessError('unavailable', 'Access store could not settle an account link that kept changing');
  }

  public async unlinkAccount(personId: string, app: string, accountId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: linkKey(app, accountId), ConditionExpression: 'personId = :me', ExpressionAttributeValues: { ':me': personId } }),
      );
    } catch (error) {
      // Someone else's link, or none: nothing of this person's to release.
      if (!isConditionalCheckFailed(error)) throw new AccessError('unavailable', 'Access store failed to release an account link', { cause: error });
    }
  }

  private async linkHolder(app: string, accountId: string): Promise<string | undefined> {
    const item = await this.run('read an account link', async () =>
      (await this.db.send(new GetCommand({ TableName: this.tableName, Key: linkKey(app, accountId), ConsistentRead: true }))).Item,
    );
    return item ? String(item.personId) : undefined;
  }

  /** The conditional write that keeps one holder per app account; false when the condition failed. */
  private async claimLink(personId: string, app: string, accountId: string, at: string, condition: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...linkKey(app, accountId), personId, app, accountId, linkedAt: at },
          ConditionExpression: condition,
          ...(condition.includes(':me') ? { ExpressionAttributeValues: { ':me': personId } } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw new AccessError('unavailable', 'Access store failed to write an account link', { cause: error });
    }
  }

  private async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof AccessError) throw error;
      throw new AccessError('unavailable', `Access store failed to ${what}`, { cause: error });
    }
  }
}

function toActual(item: Item): ActualAccess {
  const entitlements = item.entitlements instanceof Set ? [...(item.entitlements as Set<string>)].sort() : [];
  return {
    personId: String(item.personId),
    app: String(item.app),
    status: (item.status as AccountStatus | undefined) ?? 'active',
    entitlements,
    ...(typeof item.accountId === 'string' ? { accountId: item.accountId } : {}),
    updatedAt: String(item.updatedAt),
  };
}
