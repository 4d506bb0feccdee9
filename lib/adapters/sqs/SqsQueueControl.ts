import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { QueueControl } from '../../ports/QueueControl.js';

/** SQS cannot hide a message for longer than 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/** Hands a message back to its queue after a delay (back-off, Retry-After, a suspended app). */
export class SqsQueueControl implements QueueControl {
  private readonly client: SQSClient;

  public constructor(
    private readonly queueUrl: string,
    client?: SQSClient,
  ) {
    this.client = client ?? new SQSClient({});
  }

  public async retryLater(receiptHandle: string, delayMs: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000))),
      }),
    );
  }
}
