import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface StepQueueProps {
  /** The timeout of the function that consumes the queue; the visibility timeout is six times it. */
  readonly consumerTimeout: Duration;
  /** Encrypts messages at rest (plan steps carry the person's attributes). */
  readonly key: kms.IKey;
  /** Receives before SQS moves a message to the dead-letter queue. */
  readonly maxReceiveCount?: number;
}

/**
 * A FIFO queue of plan steps with its own FIFO dead-letter queue. Producers (lib/adapters/sqs)
 * group messages by person and app and deduplicate by step id, so content-based deduplication is
 * off; high-throughput mode scopes both to the message group, so one busy person never throttles
 * the rest.
 */
export class StepQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  public constructor(scope: Construct, id: string, props: StepQueueProps) {
    super(scope, id);
    const encryption = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
    };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      ...encryption,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: true,
      contentBasedDeduplication: false,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      // AWS's rule for Lambda consumers: a batch that is retried after a throttle or timeout must
      // not reappear while the first attempt is still running.
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      // Steps wait out back-off and vendor outages (up to 12 h per attempt); SQS's 4-day default
      // could expire a step that is still being retried.
      retentionPeriod: Duration.days(14),
      // SQS counts every receive: back-off hand-backs, waits while an app is suspended, and messages
      // sent back behind a waiting step of the same group. The executor dead-letters real failures
      // itself (maxAttempts); SQS's redrive only catches poison messages, so its count is SQS's maximum.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 1000 },
      ...encryption,
    });
  }
}
