import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadLetter, StepRecord } from '../../domain/StepRecord.js';
import type { LedgerOutcome } from '../../domain/LedgerEvent.js';
import type { StepStore } from '../../ports/StepStore.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';
import { keyFits } from './keyFits.js';
import { queryAll } from './queryAll.js';

type Item = Record<string, unknown>;

const stepKey = (stepId: string): Item => ({ pk: `STEP#${stepId}`, sk: 'RECORD' });
const DEAD_LETTERS = 'DEADLETTER';
const CONNECTOR_STATE = 'CONNECTORSTATE';

/** Step records, dead letters and connector suspensions in the Operations table. */
export class DynamoStepStore implements StepStore {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async get(stepId: string): Promise<StepRecord | undefined> {
    if (!keyFits(`STEP#${stepId}`)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: stepKey(stepId), ConsistentRead: true }));
    return Item ? toRecord(Item) : undefined;
  }

  public async recordAttempt(stepId: string, at: string): Promise<StepRecord | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: stepKey(stepId),
          UpdateExpression: 'SET stepId = :id, createdAt = if_not_exists(createdAt, :at), #status = if_not_exists(#status, :running) ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(#status) OR #status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':id': stepId, ':at': at, ':running': 'running', ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes ?? {});
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  public async recordFailure(stepId: string, error: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: stepKey(stepId),
        UpdateExpression: 'SET lastError = :error',
        ExpressionAttributeValues: { ':error': error.slice(0, 1000) },
      }),
    );
  }

  public async markDone(stepId: string, outcome: LedgerOutcome): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: stepKey(stepId),
        // stepId too: a step finished before any attempt (skipped) still reads back under its id.
        UpdateExpression: 'SET stepId = :id, #status = :done, outcome = :outcome',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':id': stepId, ':done': 'done', ':outcome': outcome },
      }),
    );
  }

  public async deadLetter(letter: DeadLetter): Promise<void> {
    // The letter's key is reserved on the record before the letter is written: a crash before the
    // record says dead-lettered makes the redelivery fail again and dead-letter it again, under the
    // reserved key, so the step is listed once. (A reopened step reserves a new one: see reopen.)
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: stepKey(letter.step.stepId),
        UpdateExpression: 'SET letterSk = if_not_exists(letterSk, :sk)',
        ExpressionAttributeValues: { ':sk': `${letter.deadLetteredAt}#${letter.step.stepId}` },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const sk = String(Attributes?.letterSk);
    const stored: DeadLetter = { ...letter, deadLetteredAt: sk.slice(0, sk.length - letter.step.stepId.length - 1) };
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: DEAD_LETTERS, sk, stepId: letter.step.stepId, data: JSON.stringify(stored) } }));
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: stepKey(letter.step.stepId),
        UpdateExpression: 'SET #status = :dead, outcome = :dead, deadLetterSk = :sk, lastError = :error',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':dead': 'dead-lettered', ':sk': sk, ':error': letter.error.slice(0, 1000) },
      }),
    );
  }

  public async listDeadLetters(limit: number, cursor?: string): Promise<{ letters: DeadLetter[]; nextCursor?: string }> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': DEAD_LETTERS },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: { pk: DEAD_LETTERS, sk: decodeCursor(cursor) } } : {}),
      }),
    );
    const letters = (page.Items ?? []).map((item) => JSON.parse(String(item.data)) as DeadLetter);
    const last = page.LastEvaluatedKey?.sk;
    return { letters, ...(typeof last === 'string' ? { nextCursor: Buffer.from(last).toString('base64url') } : {}) };
  }

  public async getDeadLetter(stepId: string): Promise<DeadLetter | undefined> {
    // A step id from a URL that no key can hold names no dead letter.
    if (!keyFits(`STEP#${stepId}`)) return undefined;
    const record = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: stepKey(stepId), ConsistentRead: true }))).Item;
    // The newest letter first; a reopened one stays readable until it is released.
    const sk = typeof record?.deadLetterSk === 'string' ? record.deadLetterSk : typeof record?.reopenedSk === 'string' ? record.reopenedSk : undefined;
    if (sk === undefined) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: DEAD_LETTERS, sk }, ConsistentRead: true }));
    return Item ? (JSON.parse(String(Item.data)) as DeadLetter) : undefined;
  }

  public async reopenDeadLetter(stepId: string): Promise<void> {
    if (!keyFits(`STEP#${stepId}`)) return;
    try {
      // The letter stays listed and readable (reopenedSk) until released; the reservation goes, so a
      // replay that fails again is listed as a new letter.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: stepKey(stepId),
          UpdateExpression: 'SET attempts = :zero, reopenedSk = deadLetterSk REMOVE #status, outcome, deadLetterSk, letterSk',
          ConditionExpression: 'attribute_exists(deadLetterSk) AND #status = :dead',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':zero': 0, ':dead': 'dead-lettered' },
        }),
      );
    } catch (error) {
      // Reopened already, or running since: a redelivery or an earlier replay took it up.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  public async releaseDeadLetter(letter: DeadLetter): Promise<void> {
    const sk = `${letter.deadLetteredAt}#${letter.step.stepId}`;
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: DEAD_LETTERS, sk } }));
    for (const attribute of ['reopenedSk', 'deadLetterSk']) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: stepKey(letter.step.stepId),
            UpdateExpression: `REMOVE ${attribute}`,
            ConditionExpression: `${attribute} = :sk`,
            ExpressionAttributeValues: { ':sk': sk },
          }),
        );
      } catch (error) {
        // Points at another (newer) letter of the step, which stays.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
  }

  public async isSuspended(connectorId: string): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: CONNECTOR_STATE, sk: connectorId }, ConsistentRead: true }),
    );
    return Item?.suspended === true;
  }

  public async setSuspended(connectorId: string, suspended: boolean, actor: string, at: string): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: CONNECTOR_STATE, sk: connectorId, suspended, changedBy: actor, changedAt: at } }),
    );
  }

  public async listSuspended(): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': CONNECTOR_STATE },
      ConsistentRead: true,
    });
    return items.filter((item) => item.suspended === true).map((item) => String(item.sk));
  }
}

function toRecord(item: Item): StepRecord {
  return {
    stepId: String(item.stepId),
    status: (item.status as StepRecord['status'] | undefined) ?? 'running',
    attempts: Number(item.attempts ?? 0),
    createdAt: String(item.createdAt),
    ...(typeof item.outcome === 'string' ? { outcome: item.outcome as LedgerOutcome } : {}),
    ...(typeof item.lastError === 'string' ? { lastError: item.lastError } : {}),
  };
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
