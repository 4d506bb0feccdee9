import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ScheduledJob, ScheduledJobPage, Scheduler } from '../../ports/Scheduler.js';
import { queryAll } from '../dynamodb/queryAll.js';

const PARTITION = 'SCHEDULE';

/**
 * Local mode's EventBridge Scheduler: jobs persist in the embedded DynamoDB, a tick runs those that
 * are due and deletes them only after they ran, so a job due while the process was down runs at the
 * next start, and a job interrupted by a crash runs again (jobs are idempotent).
 */
export class LocalScheduler implements Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async schedule(job: ScheduledJob): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: PARTITION, sk: job.id, runAt: job.runAt, job: JSON.stringify(job) } }),
    );
  }

  public async cancel(jobId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: PARTITION, sk: jobId } }));
  }

  public async get(jobId: string): Promise<ScheduledJob | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: PARTITION, sk: jobId }, ConsistentRead: true }));
    return Item ? (JSON.parse(String(Item.job)) as ScheduledJob) : undefined;
  }

  /** In id order (the sort key); the cursor is the page's last id, encoded, so any cursor reads on after some id. */
  public async list(page: { readonly limit: number; readonly cursor?: string }): Promise<ScheduledJobPage> {
    const after = page.cursor === undefined ? undefined : Buffer.from(page.cursor, 'base64url').toString('utf8');
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PARTITION },
        ConsistentRead: true,
        Limit: page.limit,
        ...(after ? { ExclusiveStartKey: { pk: PARTITION, sk: after } } : {}),
      }),
    );
    const jobs = Items.map((item) => JSON.parse(String(item.job)) as ScheduledJob);
    const last = LastEvaluatedKey ? String(LastEvaluatedKey.sk) : undefined;
    return last === undefined ? { jobs } : { jobs, nextCursor: Buffer.from(last, 'utf8').toString('base64url') };
  }

  /**
   * Runs due jobs now; returns how many ran. A job that fails stays for the next tick and the
   * others still run (as with EventBridge, where each job is on its own); the failure is thrown
   * once every due job had its turn.
   */
  public async runDue(run: (job: ScheduledJob) => Promise<void>): Promise<number> {
    const now = this.now().toISOString();
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PARTITION },
      ConsistentRead: true,
    });
    let ran = 0;
    const failures: unknown[] = [];
    for (const item of items.filter((i) => String(i.runAt) <= now).sort((a, b) => String(a.runAt).localeCompare(String(b.runAt)))) {
      const job = JSON.parse(String(item.job)) as ScheduledJob;
      try {
        await run(job);
      } catch (error) {
        failures.push(error);
        continue;
      }
      // Delete only the version that ran: a job re-scheduled meanwhile keeps its new time.
      await this.db
        .send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { pk: PARTITION, sk: job.id },
            ConditionExpression: 'runAt = :runAt',
            ExpressionAttributeValues: { ':runAt': job.runAt },
          }),
        )
        .catch((error: unknown) => {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        });
      ran++;
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} scheduled jobs failed`);
    return ran;
  }

  /** Ticks every `intervalMs`, one tick at a time. */
  public start(run: (job: ScheduledJob) => Promise<void>, onError: (error: unknown) => void, intervalMs = 1_000): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.runDue(run)
        .catch(onError)
        .finally(() => {
          this.running = false;
        });
    }, intervalMs);
    this.timer.unref();
  }

  public stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
