import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  EmptyBatchRequest,
  QueueDoesNotExist,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
  type SQSClient,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import type { AwsClientStub } from 'aws-sdk-client-mock';

const $metadata = { httpStatusCode: 400 };
const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;

export interface FifoMessage {
  readonly body: string;
  readonly groupId: string;
  readonly deduplicationId: string;
}

interface FifoQueue {
  readonly waiting: FifoMessage[];
  /** Deduplication ids seen (SQS remembers them five minutes; a test is shorter). */
  readonly seen: Set<string>;
}

/**
 * In-memory SQS FIFO queues for SendMessageBatch, written from the API reference: at most 10 entries
 * (and 256 KiB) per batch with distinct ids; every entry needs a MessageGroupId and, without
 * content-based deduplication, a MessageDeduplicationId (else that entry fails, a sender fault); a
 * deduplication id seen before is accepted but not queued again. Messages are received in the order
 * they were sent, which keeps every group's order.
 */
export class FakeSqsFifo {
  private readonly queues = new Map<string, FifoQueue>();

  public constructor(queueUrls: readonly string[]) {
    for (const url of queueUrls) this.queues.set(url, { waiting: [], seen: new Set() });
  }

  /** Routes the mocked client's commands to this fake. */
  public wire(mock: AwsClientStub<SQSClient>): void {
    mock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => this.sendMessageBatch(input));
  }

  public sendMessageBatch(input: SendMessageBatchCommandInput): SendMessageBatchCommandOutput {
    const queue = this.queues.get(input.QueueUrl ?? '');
    if (!queue || !input.QueueUrl?.endsWith('.fifo')) throw new QueueDoesNotExist({ $metadata, message: `No FIFO queue ${String(input.QueueUrl)}` });
    const entries = input.Entries ?? [];
    if (entries.length === 0) throw new EmptyBatchRequest({ $metadata, message: 'There should be at least one SendMessageBatchRequestEntry in the request.' });
    if (entries.length > MAX_BATCH_ENTRIES) throw new TooManyEntriesInBatchRequest({ $metadata, message: `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}.` });
    if (new Set(entries.map((entry) => entry.Id)).size !== entries.length) throw new BatchEntryIdsNotDistinct({ $metadata, message: 'Id values must be distinct.' });
    const bytes = entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody ?? '', 'utf8'), 0);
    if (bytes > MAX_BATCH_BYTES) throw new BatchRequestTooLong({ $metadata, message: 'Batch requests cannot be longer than 262144 bytes.' });
    const output: SendMessageBatchCommandOutput = { $metadata: {}, Successful: [], Failed: [] };
    for (const entry of entries) {
      if (!entry.MessageGroupId || !entry.MessageDeduplicationId) {
        output.Failed?.push({ Id: entry.Id, Code: 'MissingParameter', SenderFault: true, Message: 'FIFO entries need MessageGroupId and MessageDeduplicationId' });
        continue;
      }
      if (!queue.seen.has(entry.MessageDeduplicationId)) {
        queue.seen.add(entry.MessageDeduplicationId);
        queue.waiting.push({ body: entry.MessageBody ?? '', groupId: entry.MessageGroupId, deduplicationId: entry.MessageDeduplicationId });
      }
      output.Successful?.push({ Id: entry.Id, MessageId: `${entry.MessageDeduplicationId}-message`, MD5OfMessageBody: '' });
    }
    return output;
  }

  /** Receives (and deletes) every waiting message of a queue, in order. */
  public receiveAll(queueUrl: string): FifoMessage[] {
    return this.queues.get(queueUrl)?.waiting.splice(0) ?? [];
  }
}
