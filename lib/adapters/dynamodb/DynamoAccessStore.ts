import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AccessError } from '../../domain/AccessError.js';
import type { AccountStatus, ActualAccess, PlannedAccess } from '../../domain/AccessRecords.js';
import type { AccessStore } from '../../ports/AccessStore.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';
import { keyFits } from './keyFits.js';
import { queryAll } from './queryAll.js';

type Item = Record<string, unknown>;

const personKey = (personId: string): string => `PERSON#${personId}`;

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
