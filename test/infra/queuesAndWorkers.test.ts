import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synth } from './support/synthStacks.js';
import { functionLogicalId, functionOf, queueLogicalId, resources, type Resource } from './support/templateQueries.js';

// The two FIFO step queues and the fan-out workers that consume them.

describe('queues and workers', () => {
  let service: Template;
  beforeAll(() => {
    ({ service } = synth());
  });

  it('queues steps on two FIFO queues, KMS-encrypted, TLS only, each redriving to its own FIFO dead-letter queue', () => {
    for (const id of ['StepQueue', 'LockoutQueue'] as const) {
      // Act
      const queue = resources(service)[queueLogicalId(service, id, 'Queue')] as Resource;
      const deadLetterId = queueLogicalId(service, id, 'DeadLetters');
      const deadLetters = resources(service)[deadLetterId] as Resource;

      // Assess
      expect(queue.Properties).toMatchObject({
        FifoQueue: true,
        ContentBasedDeduplication: false,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
        // Six times the worker timeout.
        VisibilityTimeout: 6 * (functionOf(service, 'FanoutWorker').Properties.Timeout as number),
        MessageRetentionPeriod: 14 * 24 * 3600,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] }, maxReceiveCount: 1000 },
      });
      expect(deadLetters.Properties).toMatchObject({ FifoQueue: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      for (const encrypted of [queue, deadLetters]) {
        expect(JSON.stringify(encrypted.Properties.KmsMasterKeyId)).toContain('DataKey');
      }
      for (const logicalId of [queueLogicalId(service, id, 'Queue'), deadLetterId]) {
        service.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: logicalId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    }
  });

  it('consumes each queue with its own worker, reporting batch item failures, at bounded concurrency', () => {
    for (const [id, queue] of [
      ['FanoutWorker', 'StepQueue'],
      ['LockoutWorker', 'LockoutQueue'],
    ] as const) {
      service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: functionLogicalId(service, id) },
        EventSourceArn: { 'Fn::GetAtt': [queueLogicalId(service, queue, 'Queue'), 'Arn'] },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 20 },
      });
    }
    service.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
  });

  it('takes the workers’ concurrency from fanoutConcurrency, and refuses what Lambda would', () => {
    // Act
    const { service: custom } = synth({ service: { fanoutConcurrency: 50 } });

    // Assess
    custom.allResourcesProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 50 } });
    expect(() => synth({ service: { fanoutConcurrency: 1 } })).toThrow(/fanoutConcurrency must be a whole number from 2 to 1000/);
  });
});
