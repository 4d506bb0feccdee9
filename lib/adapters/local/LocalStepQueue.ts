import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { PlanStep } from '../../domain/PlanStep.js';
import type { QueueControl } from '../../ports/QueueControl.js';
import { type StepQueue, stepGroupId } from '../../ports/StepQueue.js';
import { isConditionalCheckFailed } from '../dynamodb/isConditionalCheckFailed.js';
import { queryAll } from '../dynamodb/queryAll.js';

type Lane = 'lockout' | 'normal';

interface Message {
  readonly stepId: string;
  readonly lane: Lane;
  readonly group: string;
  readonly body: string;
  readonly order: number;
  visibleAt: number;
  receiveCount: number;
}

export interface LocalStepQueueOptions {
  /** Messages handled at once across all groups (one per group at a time). */
  readonly concurrency?: number;
  /** How long a message stays hidden after a failure that did not say how long. */
  readonly visibilityTimeoutMs?: number;
}

const PARTITION = 'QUEUE';

/**
 * Local mode's stand-in for SQS FIFO, persisted in the embedded DynamoDB (so under
 * PERIMETER_DATA_DIR): the same message shape, the same worker handler, FIFO per group, one message
 * per group in flight, de-duplication by step id, visibility delays, and the kill-switch lane served
 * first. A message is deleted only after the handler finished with it, so a kill -9 mid-step
 * redelivers it at the next start.
 */
export class LocalStepQueue implements StepQueue, QueueControl {
  private readonly groups = new Map<string, Message[]>();
  private readonly inFlight = new Set<string>();
  private readonly retries = new Map<string, number>();
  private handler: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The order of the last message sent or loaded; orders only ever increase. */
  private lastOrder = 0;
  private stopped = true;
  private drainedWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly visibilityTimeoutMs: number;

  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: LocalStepQueueOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 32;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
  }

  /** Loads what an earlier process left queued and starts delivering to the handler. */
  public async start(handler: (event: SQSEvent) => Promise<SQSBatchResponse>): Promise<void> {
    this.handler = handler;
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PARTITION },
      ConsistentRead: true,
    });
    for (const item of items) {
      this.remember({
        stepId: String(item.sk),
        lane: item.lane as Lane,
        group: String(item.group),
        body: String(item.body),
        order: Number(item.order),
        visibleAt: Number(item.visibleAt),
        receiveCount: Number(item.receiveCount),
      });
      this.lastOrder = Math.max(this.lastOrder, Number(item.order));
    }
    this.stopped = false;
    this.pump();
  }

  /** Stops taking new messages and waits for those in flight. */
  public async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  public async send(steps: readonly PlanStep[]): Promise<void> {
    // Order is fixed here, before the writes run in parallel.
    const messages: Message[] = steps.map((step) => ({
      stepId: step.stepId,
      lane: step.priority === 'lockout' ? 'lockout' : 'normal',
      group: stepGroupId(step),
      body: JSON.stringify(step),
      order: this.nextOrder(),
      visibleAt: 0,
      receiveCount: 0,
    }));
    const stored = await Promise.all(
      messages.map(async ({ stepId, ...message }) => {
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: PARTITION, sk: stepId, ...message },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          return true;
        } catch (error) {
          if (isConditionalCheckFailed(error)) return false; // already queued: FIFO de-duplication
          throw error;
        }
      }),
    );
    messages.forEach((message, index) => {
      if (stored[index]) this.remember(message);
    });
    this.pump();
  }

  public async retryLater(receiptHandle: string, delayMs: number): Promise<void> {
    const stepId = receiptHandle.slice(0, receiptHandle.lastIndexOf(':'));
    this.retries.set(stepId, delayMs);
  }

  /** Resolves once no message is queued or in flight (tests and the benchmark wait on it). */
  public drained(): Promise<void> {
    if (this.size() === 0 && this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  public size(): number {
    let size = 0;
    for (const messages of this.groups.values()) size += messages.length;
    return size;
  }

  /**
   * The send time in ms × 1000, but always above the last order: steps keep the order they were
   * sent in however many are sent within one millisecond, when the clock steps back, and after
   * what an earlier process left queued. (A per-millisecond counter that wrapped at 1000 put a
   * send's later steps ahead of its earlier ones.)
   */
  private nextOrder(): number {
    this.lastOrder = Math.max(Date.now() * 1000, this.lastOrder + 1);
    return this.lastOrder;
  }

  private remember(message: Message): void {
    const key = `${message.lane}|${message.group}`;
    const messages = this.groups.get(key) ?? [];
    if (messages.some((m) => m.stepId === message.stepId)) return;
    messages.push(message);
    messages.sort((a, b) => a.order - b.order);
    this.groups.set(key, messages);
  }

  private pump(): void {
    if (this.stopped || !this.handler) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const lane of ['lockout', 'normal'] as const) {
      for (const [key, messages] of this.groups) {
        if (!key.startsWith(`${lane}|`) || this.inFlight.has(key)) continue;
        const head = messages[0];
        if (!head) continue;
        if (head.visibleAt > now) {
          wakeAt = Math.min(wakeAt, head.visibleAt);
          continue;
        }
        if (this.inFlight.size >= this.concurrency) return;
        this.inFlight.add(key);
        // A bookkeeping failure leaves the message queued: it is delivered again, and the step's
        // record makes the repeat a no-op.
        this.deliver(key, head).catch(() => undefined);
      }
    }
    if (Number.isFinite(wakeAt)) {
      this.timer = setTimeout(() => this.pump(), Math.max(1, wakeAt - now));
      this.timer.unref();
    }
    this.notifyIfDrained();
  }

  private async deliver(key: string, message: Message): Promise<void> {
    // Counted in memory only: attempts that matter are counted in the step record.
    message.receiveCount++;
    let finished = false;
    try {
      const response = await (this.handler as (event: SQSEvent) => Promise<SQSBatchResponse>)({ Records: [this.toRecord(message)] });
      finished = !response.batchItemFailures.some((failure) => failure.itemIdentifier === message.stepId);
    } catch {
      finished = false;
    }
    try {
      if (finished) {
        await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: PARTITION, sk: message.stepId } }));
        const messages = this.groups.get(key) ?? [];
        messages.splice(messages.indexOf(message), 1);
        if (messages.length === 0) this.groups.delete(key);
      } else {
        message.visibleAt = Date.now() + (this.retries.get(message.stepId) ?? this.visibilityTimeoutMs);
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: PARTITION, sk: message.stepId },
            UpdateExpression: 'SET visibleAt = :at',
            ExpressionAttributeValues: { ':at': message.visibleAt },
          }),
        );
      }
    } finally {
      this.retries.delete(message.stepId);
      this.inFlight.delete(key);
      this.pump();
    }
  }

  private toRecord(message: Message): SQSRecord {
    const now = String(Date.now());
    return {
      messageId: message.stepId,
      receiptHandle: `${message.stepId}:${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(Math.floor(message.order / 1000)),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: now,
        MessageGroupId: message.group,
        MessageDeduplicationId: message.stepId,
        SequenceNumber: String(message.order),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:perimeter-${message.lane}.fifo`,
      awsRegion: 'local',
    };
  }

  private notifyIfDrained(): void {
    if (this.size() === 0 && this.inFlight.size === 0 && this.drainedWaiters.length > 0) {
      for (const resolve of this.drainedWaiters.splice(0)) resolve();
    }
  }
}
