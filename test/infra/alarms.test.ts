import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/ConfigError.js';
import { env, rotationConfig, synth, synthConfig } from './support/synthStacks.js';
import { queueLogicalId, resources, type Resource, type Statement } from './support/templateQueries.js';

// The alarm topic and every alarm that notifies it.

describe('alarms', () => {
  let service: Template;
  beforeAll(() => {
    ({ service } = synthConfig({ retention: { keepDays: 365 }, connectors: rotationConfig.connectors }));
  });

  function topicId(template: Template): string {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    return topics[0] as string;
  }

  /** Every alarm of the stack with its properties. */
  function alarms(template: Template): Resource[] {
    return Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
  }

  it('sends every alarm, into alarm and back to OK, to one topic', () => {
    // Act
    const all = alarms(service);

    // Assess
    expect(all.length).toBeGreaterThan(0);
    for (const alarm of all) {
      expect(alarm.Properties.AlarmActions, String(alarm.Properties.AlarmDescription)).toEqual([{ Ref: topicId(service) }]);
      expect(alarm.Properties.OKActions, String(alarm.Properties.AlarmDescription)).toEqual([{ Ref: topicId(service) }]);
    }
    service.hasOutput('AlarmTopicArn', { Value: { Ref: topicId(service) } });
  });

  it('encrypts the topic with a rotated key of its own that CloudWatch may use, and refuses publishing without TLS', () => {
    // Act
    const topic = resources(service)[topicId(service)] as Resource;
    const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = resources(service)[keyId] as Resource;
    const keyStatements = (key.Properties.KeyPolicy as { Statement: Statement[] & { Principal?: unknown }[] }).Statement;
    const topicPolicy = Object.values(service.findResources('AWS::SNS::TopicPolicy'))[0] as Resource;
    const topicStatements = (topicPolicy.Properties.PolicyDocument as { Statement: (Statement & { Principal?: unknown })[] }).Statement;

    // Assess
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(keyStatements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringEquals: { 'aws:SourceAccount': env.account } },
        }),
      ]),
    );
    expect(topicStatements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
      ]),
    );
  });

  it('alarms on every function’s Errors and Throttles', () => {
    // Act
    const functionIds = Object.keys(service.findResources('AWS::Lambda::Function'));

    // Assess: every function of the stack, Retention and RotateSecret included.
    expect(functionIds).toHaveLength(10);
    for (const functionId of functionIds) {
      for (const metricName of ['Errors', 'Throttles']) {
        const matching = alarms(service).filter(
          (alarm) =>
            alarm.Properties.Namespace === 'AWS/Lambda' &&
            alarm.Properties.MetricName === metricName &&
            JSON.stringify(alarm.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId } }]),
        );
        expect(matching, `${functionId} ${metricName}`).toHaveLength(1);
        expect(matching[0]?.Properties).toMatchObject({
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('alarms as soon as either dead-letter queue holds a message', () => {
    for (const id of ['StepQueue', 'LockoutQueue'] as const) {
      // Act
      const deadLetterId = queueLogicalId(service, id, 'DeadLetters');
      const matching = alarms(service).filter(
        (alarm) =>
          alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(alarm.Properties.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterId, 'QueueName'] } }]),
      );

      // Assess: more than 0 messages, i.e. at least 1.
      expect(matching, id).toHaveLength(1);
      expect(matching[0]?.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    // The step queues themselves have no such alarm: messages there are work, not failures.
    for (const id of ['StepQueue', 'LockoutQueue'] as const) {
      expect(JSON.stringify(alarms(service))).not.toContain(`"${queueLogicalId(service, id, 'Queue')}","QueueName"`);
    }
  });

  it('alarms on the API stage’s 5XX responses, and routes the rotation failure alarm to the topic too', () => {
    // Act
    const apiId = Object.keys(service.findResources('AWS::ApiGateway::RestApi'))[0];
    const serverErrors = alarms(service).filter((alarm) => alarm.Properties.MetricName === '5XXError');
    const rotation = alarms(service).filter((alarm) => alarm.Properties.MetricName === 'RotationFailures');

    // Assess
    expect(serverErrors).toHaveLength(1);
    expect(serverErrors[0]?.Properties).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Threshold: 1, TreatMissingData: 'notBreaching' });
    expect(JSON.stringify(serverErrors[0]?.Properties.Dimensions)).toContain('"Name":"ApiName"');
    expect(JSON.stringify(serverErrors[0]?.Properties.Dimensions)).toContain('"Name":"Stage"');
    expect(apiId).toBeDefined();
    expect(rotation).toHaveLength(1);
    expect(rotation[0]?.Properties.AlarmActions).toEqual([{ Ref: topicId(service) }]);
  });

  it('counts both fan-out workers\' "Account conflict" lines and alarms on the first one within 5 minutes', () => {
    // Act
    const filters = Object.values(service.findResources('AWS::Logs::MetricFilter')) as Resource[];
    const conflictFilters = filters.filter((filter) => JSON.stringify(filter.Properties).includes('AccountConflicts'));
    const conflicts = alarms(service).filter((alarm) => alarm.Properties.MetricName === 'AccountConflicts');

    // Assess
    expect(conflictFilters).toHaveLength(2);
    for (const filter of conflictFilters) {
      expect(filter.Properties.FilterPattern).toBe('{ ($.level = "error") && ($.message = "Account conflict") }');
    }
    expect(JSON.stringify(conflictFilters.map((filter) => filter.Properties.LogGroupName))).toMatch(/FanoutWorkerLogs.*LockoutWorkerLogs/);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.Properties).toMatchObject({ Namespace: 'Perimeter', Statistic: 'Sum', Threshold: 1, TreatMissingData: 'notBreaching' });
    expect(conflicts[0]?.Properties.AlarmActions).toEqual([{ Ref: topicId(service) }]);
  });

  it('subscribes alarmEmail to the topic, only when given, and refuses what is not an address', () => {
    // Act
    const { service: subscribed } = synth({ service: { alarmEmail: 'oncall@example.com' } });

    // Assess
    service.resourceCountIs('AWS::SNS::Subscription', 0);
    subscribed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId(subscribed) } });
    expect(() => synth({ service: { alarmEmail: 'oncall' } })).toThrow(ConfigError);
  });
});
