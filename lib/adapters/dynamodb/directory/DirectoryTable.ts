import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DirectoryError } from '../../../domain/DirectoryError.js';
import { batchGetAll } from '../batchGetAll.js';
import { batchPutAll } from '../batchPutAll.js';
import { isConditionalCheckFailed } from '../isConditionalCheckFailed.js';
import { keyFits } from '../keyFits.js';
import { queryAll } from '../queryAll.js';

export type Item = Record<string, unknown>;
/** Every item in the directory table is addressed by these two (see tableDefinitions.ts). */
export type ItemKey = { readonly pk: string; readonly sk: string };

type WithoutTable<T> = Omit<T, 'TableName'>;

/**
 * The directory table as the store's parts use it: one place that names the table, turns keys no
 * item can have into "not found", and maps the engine's failures onto DirectoryError, so that every
 * part fails the same way ('unavailable', with the cause) whichever of them a request reached.
 */
export class DirectoryTable {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Strongly consistent: the store's conditional writes are decided on what this returns. */
  public get(key: ItemKey): Promise<Item | undefined> {
    // Ids, userNames and externalIds come from URLs and filters; one too long for a key names nothing.
    if (!storable(key)) return Promise.resolve(undefined);
    return this.run('read item', async () => {
      const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      return result.Item as Item | undefined;
    });
  }

  /** The items that exist under these keys, in no particular order; unstorable keys name nothing. */
  public batchGet(keys: readonly ItemKey[]): Promise<Item[]> {
    return this.run('batch read', () => batchGetAll(this.db, this.tableName, keys.filter(storable)));
  }

  public query(what: string, input: WithoutTable<QueryCommandInput>, limit?: number): Promise<Item[]> {
    return this.run(what, () => queryAll(this.db, { TableName: this.tableName, ...input }, limit));
  }

  // put, batchPut, delete and update throw the engine's errors as they are: what a failure means
  // depends on the write, so their callers decide, through run or conditionally.
  /** Returns the item it replaced when asked for it (ReturnValues ALL_OLD). */
  public async put(input: WithoutTable<PutCommandInput>): Promise<Item | undefined> {
    return (await this.db.send(new PutCommand({ TableName: this.tableName, ...input }))).Attributes;
  }

  /** Unconditional puts, batched: for idempotent bulk work such as an index backfill. */
  public batchPut(items: readonly Item[]): Promise<void> {
    return batchPutAll(this.db, this.tableName, items);
  }

  public async delete(input: WithoutTable<DeleteCommandInput>): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, ...input }));
  }

  public async update(input: WithoutTable<UpdateCommandInput>): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.tableName, ...input }));
  }

  /** Runs operation; a DirectoryError it throws passes through, any other failure is 'unavailable'. */
  public async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof DirectoryError) throw error;
      throw unavailable(what, error);
    }
  }

  /**
   * Runs a conditional write. A condition that did not hold is an answer, not a failure of the
   * store: onConditionFailed says what it means. Anything else (DirectoryErrors included, so a
   * failed read inside operation names this write) is 'unavailable'.
   */
  public async conditionally<T>(what: string, operation: () => Promise<T>, onConditionFailed: () => T | Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (isConditionalCheckFailed(error)) return await onConditionFailed();
      throw unavailable(what, error);
    }
  }
}

function storable(key: ItemKey): boolean {
  return keyFits(key.pk, key.sk);
}

function unavailable(what: string, cause: unknown): DirectoryError {
  return new DirectoryError('unavailable', `Directory store failed to ${what}`, { cause });
}
