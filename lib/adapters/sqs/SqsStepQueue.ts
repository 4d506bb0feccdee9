import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { PlanStep } from '../../domain/PlanStep.js';
import { type StepQueue, stepGroupId } from '../../ports/StepQueue.js';

export interface SqsStepQueueOptions {
  /** FIFO queue for plan steps. */
  readonly queueUrl: string;
  /** FIFO queue for kill-switch steps, consumed by its own workers so it never waits behind the backlog. */
  readonly lockoutQueueUrl: string;
  readonly client?: SQSClient;
}

/**
 * Steps on SQS FIFO queues: MessageGroupId = person and app (order within, parallelism across),
 * MessageDeduplicationId = step id (a re-sent step is dropped within SQS's five-minute window; the
 * step record catches later repeats).
 */
export class SqsStepQueue implements StepQueue {
  private readonly client: SQSClient;

  public constructor(private readonly options: SqsStepQueueOptions) {
    this.client = options.client ?? new SQSClient({});
  }

  public async send(steps: readonly PlanStep[]): Promise<void> {
    for (const [queueUrl, lane] of [
      [this.options.queueUrl, steps.filter((s) => s.priority !== 'lockout')],
      [this.options.lockoutQueueUrl, steps.filter((s) => s.priority === 'lockout')],
    ] as const) {
      for (let i = 0; i < lane.length; i += 10) {
        await this.sendBatch(queueUrl, lane.slice(i, i + 10));
      }
    }
  }

  private async sendBatch(queueUrl: string, steps: readonly PlanStep[]): Promise<void> {
    let pending = steps;
    for (let round = 0; pending.length > 0; round++) {
      if (round === 5) throw new Error(`SQS refused ${pending.length} step messages`);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: pending.map((step, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(step),
            MessageGroupId: stepGroupId(step),
            MessageDeduplicationId: step.stepId,
          })),
        }),
      );
      const failed = new Set((result.Failed ?? []).filter((f) => !f.SenderFault).map((f) => Number(f.Id)));
      const senderFaults = (result.Failed ?? []).filter((f) => f.SenderFault);
      if (senderFaults.length) throw new Error(`SQS rejected step messages: ${senderFaults.map((f) => f.Code).join(', ')}`);
      pending = pending.filter((_, index) => failed.has(index));
    }
  }
}
