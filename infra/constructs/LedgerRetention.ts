import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { ARCHIVE_PREFIX } from '../../lib/adapters/s3/S3LedgerArchive.js';
import { acknowledgeFunctionFindings } from '../nag/acknowledgeFunctionFindings.js';
import { iam5ResourceFinding } from '../nag/iam5ResourceFinding.js';
import { NAG_REASONS } from '../nag/nagReasons.js';
import type { StatefulStack } from '../stacks/StatefulStack.js';
import { PerimeterFunction } from './PerimeterFunction.js';
import { type RecurringSchedule, RecurringSchedules } from './RecurringSchedules.js';

/** Retention seals the whole ledger, then archives and deletes chain by chain: all the time Lambda allows. */
const RETENTION_TIMEOUT = Duration.minutes(15);

export interface LedgerRetentionProps {
  readonly stateful: StatefulStack;
  /** The engine's variables (the function builds the engine). */
  readonly engineEnvironment: Record<string, string>;
  /** Where the daily schedule lives (as the recurring schedules do). */
  readonly defaultScheduleGroup: scheduler.IScheduleGroup;
  /** Its entry in the application's table of recurring schedules. */
  readonly schedule: RecurringSchedule;
}

/**
 * Ledger retention: the Retention function and its daily schedule. It builds the engine (its
 * environment) but is granted only what a run does: read the ledger and append the run's own
 * event (GetItem, Query, PutItem), delete archived events (DeleteItem: no other function has it,
 * and no function has UpdateItem or BatchWriteItem), read and write checkpoints (Operations
 * table), put archive objects (never read, delete or bypass their lock), and use the data key.
 * No directory or access table, queue, scheduler or secret: EngineFunctions' grants (every table,
 * read or read-write) do not fit it, so it is granted here.
 *
 * Its schedule assumes a role of its own: the engine may pass the scheduler role to one-time jobs
 * it creates, and those must not be able to start a retention run.
 *
 * Not a construct: it builds in the given scope (the service stack), because a scope of its own
 * would change the logical ids of the function, role and schedule and so replace them.
 */
export class LedgerRetention {
  /** The one function that may delete ledger events. */
  public readonly function: lambda.IFunction;

  public constructor(scope: Construct, props: LedgerRetentionProps) {
    const { stateful } = props;
    const retentionFunction = new PerimeterFunction(scope, 'Retention', {
      entry: 'functions/retention/handler.ts',
      description: 'Perimeter ledger retention: seal, archive events older than the policy to S3, then delete them',
      environment: {
        ...props.engineEnvironment,
        ARCHIVE_BUCKET: stateful.archiveBucket.bucketName,
        // S3LedgerArchive's kmsKeyId: every archive object is encrypted with the data key.
        ARCHIVE_KEY_ARN: stateful.key.keyArn,
      },
      timeout: RETENTION_TIMEOUT,
    });
    const fn = retentionFunction.function;
    this.function = fn;
    stateful.ledger.grant(fn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    stateful.operations.grantReadWriteData(fn);
    stateful.archiveBucket.grantPut(fn, `${ARCHIVE_PREFIX}*`);
    stateful.key.grantEncryptDecrypt(fn);
    stateful.configParameter.grantRead(fn);
    acknowledgeFunctionFindings(retentionFunction, [
      { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: NAG_REASONS.kmsDataKeyActions },
      { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: NAG_REASONS.kmsDataKeyActions },
      { id: iam5ResourceFinding(scope, `${stateful.exportValue(stateful.ledger.tableArn)}/index/*`), reason: NAG_REASONS.tableIndexes },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: NAG_REASONS.archiveObjects },
      { id: iam5ResourceFinding(scope, `${stateful.exportValue(stateful.archiveBucket.bucketArn)}/${ARCHIVE_PREFIX}*`), reason: NAG_REASONS.archiveObjects },
    ]);

    const role = new iam.Role(scope, 'RetentionSchedulerRole', {
      description: 'Perimeter: EventBridge Scheduler invokes the retention function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(scope).account, 'aws:SourceArn': props.defaultScheduleGroup.scheduleGroupArn },
        },
      }),
    });
    new RecurringSchedules(scope, { target: fn, role, schedules: [props.schedule], idOf: () => 'RetentionSchedule' });
    Validations.of(role).acknowledge({ id: iam5ResourceFinding(scope, `${fn.functionArn}:*`), reason: NAG_REASONS.functionVersions });
  }
}
