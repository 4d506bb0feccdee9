import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConfigError } from '../../lib/config/ConfigError.js';
import { ACCOUNT_CONFLICT_MESSAGE } from '../../lib/fanout/AccountConflictError.js';
import { errorLineMetricFilter } from './errorLineMetricFilter.js';

/** Where the "Account conflicts" alarm's metric is published. */
export const ACCOUNT_CONFLICT_NAMESPACE = 'Perimeter';
export const ACCOUNT_CONFLICT_METRIC = 'AccountConflicts';

export interface PerimeterAlarmsProps {
  /** Subscribed to the topic when set (CDK context `alarmEmail`); SNS mails a confirmation link first. */
  readonly email?: string;
  /** Every function of the stack, by a name used in alarm descriptions: Errors and Throttles alarms each. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** Every dead-letter queue, by name: an alarm as soon as one holds a message. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** The API stage: an alarm on 5XX responses. */
  readonly apiStage: apigw.Stage;
  /** The fan-out workers' log groups: their "Account conflict" lines are counted and alarmed on. */
  readonly workerLogGroups?: readonly logs.ILogGroup[];
  /** Alarms made elsewhere (credential rotation failures), by name, that notify the topic too. */
  readonly alarms?: Readonly<Record<string, cloudwatch.Alarm>>;
}

const PERIOD = Duration.minutes(5);

/**
 * Where Perimeter asks for a human: one SNS topic (its own KMS key, TLS only) that every alarm
 * notifies, in alarm and back to OK, and the alarms themselves. Each alarm fires on the first
 * occurrence in a 5-minute period: the engine turns expected failures into 4XX responses, retries
 * and ledger events, so what reaches these metrics is a crash, a timeout, a throttle or a step it
 * gave up on, and each deserves a look.
 *
 * Missing data is not breaching: Lambda publishes Errors and Throttles only for periods with
 * invocations, API Gateway 5XXError only for periods with requests, and SQS stops publishing for a
 * queue that has been empty and idle for six hours.
 */
export class PerimeterAlarms extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;
  /** Every alarm that notifies the topic, by a readable name ("ScimFunction Errors", "StepQueue dead letters", ...). */
  public readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;

  public constructor(scope: Construct, id: string, props: PerimeterAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.email)) {
      throw new ConfigError(`alarmEmail must be an e-mail address, not "${props.email}"`);
    }

    // Alarm notifications name resources and metrics, not people; the key is the topic's alone, so
    // destroying it with the stack loses nothing (KMS waits 30 days before it deletes a key).
    this.key = new kms.Key(this, 'TopicKey', {
      description: 'Perimeter: encrypts the alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes to an encrypted topic only with the key's data keys; this account's
    // alarms only (the SNS developer guide's "compatibility with AWS services" grant).
    const alarmsOfThisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: alarmsOfThisAccount,
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Perimeter alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // The topic policy CDK writes for enforceSSL replaces SNS's default one, which let this
    // account's services publish; CloudWatch needs its own allow now.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: alarmsOfThisAccount,
      }),
    );
    if (props.email !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    const notify = new actions.SnsAction(this.topic);
    const alarms = new Map<string, cloudwatch.Alarm>();
    const alarm = (name: string, metric: cloudwatch.IMetric, description: string): void => {
      const constructId = name.split(/[^A-Za-z0-9]+/).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
      const created = new cloudwatch.Alarm(this, constructId, {
        alarmDescription: `Perimeter: ${description}`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarms.set(name, created);
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name} dead letters`,
        queue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: PERIOD }),
        `a message reached the ${name} dead-letter queue (SQS gave up redelivering it). GET /admin/dead-letters lists the engine's dead letters; this queue holds what the worker never acknowledged.`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name} Errors`, fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: PERIOD }), `the ${name} function failed (an unhandled error, a timeout or a crash at start-up); see its log group.`);
      alarm(
        `${name} Throttles`,
        fn.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: PERIOD }),
        `Lambda throttled the ${name} function (the account's or the function's concurrency is exhausted).`,
      );
    }
    alarm(
      'Api 5XX',
      props.apiStage.metricServerError({ statistic: cloudwatch.Stats.SUM, period: PERIOD }),
      'the API answered 5XX (a function failed or timed out behind it); see the API access log and the function\'s log group.',
    );

    const conflictFilters = (props.workerLogGroups ?? []).map((logGroup, i) =>
      errorLineMetricFilter(this, `AccountConflictFilter${i + 1}`, {
        logGroup,
        message: ACCOUNT_CONFLICT_MESSAGE,
        metricNamespace: ACCOUNT_CONFLICT_NAMESPACE,
        metricName: ACCOUNT_CONFLICT_METRIC,
      }),
    );
    // Every filter publishes the same metric (no dimensions), so one alarm counts them all.
    const [firstConflictFilter] = conflictFilters;
    if (firstConflictFilter) {
      alarm(
        'Account conflicts',
        firstConflictFilter.metric({ statistic: cloudwatch.Stats.SUM, period: PERIOD }),
        'a step was refused as account-conflict: the app holds an account another person is linked to, or one that is not the person\'s by the connector\'s correlation attribute. GET /admin/dead-letters lists it (error "account-conflict: ..."); the account was not touched.',
      );
    }

    for (const [name, external] of Object.entries(props.alarms ?? {})) alarms.set(name, external);
    for (const routed of alarms.values()) {
      routed.addAlarmAction(notify);
      routed.addOkAction(notify);
    }
    this.alarms = alarms;
  }
}
