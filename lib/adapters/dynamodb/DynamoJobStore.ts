import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Job } from '../../domain/Job.js';
import type { JobStore } from '../../ports/JobStore.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';
import { keyFits } from './keyFits.js';

const jobKey = (id: string): Record<string, string> => ({ pk: `JOB#${id}`, sk: 'JOB' });
const slotKey = (job: Pick<Job, 'kind' | 'scope'>): Record<string, string> => ({ pk: `JOBSLOT#${job.kind}#${job.scope}`, sk: 'SLOT' });

/** Jobs in the Operations table: one item per job, and one slot item per (kind, scope) naming the job that holds it. */
export class DynamoJobStore implements JobStore {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async claim(job: Job, leaseUntil: string): Promise<{ readonly claimed: true } | { readonly claimed: false; readonly holder: Job }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { slot, holder } = await this.slotOf(job);
      // A live holder keeps the slot; a lapsed lease, a finished or a missing job (a crash between
      // taking the slot and storing the job, or between finishing and freeing it) gives it up.
      if (slot && holder?.status === 'running' && String(slot.leaseUntil) > job.createdAt) return { claimed: false, holder };
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...slotKey(job), jobId: job.id, leaseUntil },
            ...(slot ? { ConditionExpression: 'jobId = :seen', ExpressionAttributeValues: { ':seen': slot.jobId } } : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) continue;
        throw error;
      }
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...jobKey(job.id), version: job.version, data: JSON.stringify(job) }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return { claimed: true };
    }
    const { holder } = await this.slotOf(job);
    if (holder) return { claimed: false, holder };
    throw new Error(`Could not claim the ${job.kind} slot for ${job.scope}`);
  }

  public async get(id: string): Promise<Job | undefined> {
    if (!keyFits(`JOB#${id}`)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: jobKey(id), ConsistentRead: true }));
    return Item ? (JSON.parse(String(Item.data)) as Job) : undefined;
  }

  public async save(next: Job, leaseUntil: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...jobKey(next.id), version: next.version, data: JSON.stringify(next) },
          ConditionExpression: 'version = :previous',
          ExpressionAttributeValues: { ':previous': next.version - 1 },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
    try {
      if (next.status === 'running') {
        await this.db.send(
          new UpdateCommand({ TableName: this.tableName, Key: slotKey(next), UpdateExpression: 'SET leaseUntil = :lease', ConditionExpression: 'jobId = :id', ExpressionAttributeValues: { ':lease': leaseUntil, ':id': next.id } }),
        );
      } else {
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: slotKey(next), ConditionExpression: 'jobId = :id', ExpressionAttributeValues: { ':id': next.id } }));
      }
    } catch (error) {
      // The slot was taken over after this job's lease lapsed: the job itself is saved.
      if (!isConditionalCheckFailed(error)) throw error;
    }
    return true;
  }

  public async putPart(jobId: string, name: string, value: unknown): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: `JOB#${jobId}`, sk: `PART#${name}`, data: JSON.stringify(value) } }));
  }

  public async getPart(jobId: string, name: string): Promise<unknown> {
    if (!keyFits(`JOB#${jobId}`) || !keyFits(`PART#${name}`)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `JOB#${jobId}`, sk: `PART#${name}` }, ConsistentRead: true }));
    return Item ? JSON.parse(String(Item.data)) : undefined;
  }

  /** The (kind, scope) slot and the job it names, if any. */
  private async slotOf(job: Pick<Job, 'kind' | 'scope'>): Promise<{ slot: Record<string, unknown> | undefined; holder: Job | undefined }> {
    const slot = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: slotKey(job), ConsistentRead: true }))).Item;
    return { slot, holder: typeof slot?.jobId === 'string' ? await this.get(slot.jobId) : undefined };
  }
}
