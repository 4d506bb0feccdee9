import { Arn, ArnFormat, Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { accessTable, directoryTable, ledgerTable, operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { ARCHIVE_PREFIX } from '../../lib/adapters/s3/S3LedgerArchive.js';
import { ConfigError } from '../../lib/config/ConfigError.js';
import type { PerimeterConfig } from '../../lib/config/perimeterConfigSchema.js';
import { ApiFirewall } from '../constructs/ApiFirewall.js';
import { CredentialRotationSchedules } from '../constructs/CredentialRotationSchedules.js';
import { PerimeterAlarms } from '../constructs/PerimeterAlarms.js';
import { PerimeterApi } from '../constructs/PerimeterApi.js';
import { PerimeterFunction, type PerimeterFunctionProps } from '../constructs/PerimeterFunction.js';
import { StepQueue } from '../constructs/StepQueue.js';
import { iam5ResourceFinding } from '../nag/iam5ResourceFinding.js';
import { NAG_REASONS } from '../nag/nagReasons.js';
import type { StatefulStack } from './StatefulStack.js';

export interface ServiceStackProps extends StackProps {
  readonly stateful: StatefulStack;
  /** Requests per second the API stage accepts before throttling (burst is twice this); default 50. */
  readonly rateLimit?: number;
  /**
   * Requests one source IP may send in 5 minutes before AWS WAF blocks it with 429 (CDK context
   * `wafRateLimit`); default DEFAULT_WAF_RATE_LIMIT (1000).
   */
  readonly wafRateLimit?: number;
  /** An e-mail address subscribed to the alarm topic (CDK context `alarmEmail`); none by default. */
  readonly alarmEmail?: string;
  /** Concurrent worker instances each queue's event source may run (2-1000); default 20. */
  readonly fanoutConcurrency?: number;
}

/** Secrets the engine may read (connector credentials, webhook signing secrets) are named under this. */
export const SECRET_PREFIX = 'perimeter/';

/**
 * A worker runs up to 10 steps in order, each a few vendor calls with a 10 s timeout; a step that
 * must wait is handed back to the queue, never slept on.
 */
const WORKER_TIMEOUT = Duration.minutes(2);
/** Reconciliation lists every app; give it all the time Lambda allows. */
const JOB_TIMEOUT = Duration.minutes(15);
/** Retention seals the whole ledger, then archives and deletes chain by chain: all the time Lambda allows. */
const RETENTION_TIMEOUT = Duration.minutes(15);
/** One rotation step: a few vendor calls (issue, test or retire a credential) with a 10 s timeout each. */
const ROTATION_TIMEOUT = Duration.minutes(2);

/** What an engine function does beyond reading and recording, and so what else it is granted. */
interface EngineDuties {
  /** Plans: sends steps to both queues and creates, reads and deletes one-time jobs. */
  readonly plans: boolean;
  /** Calls connectors or verifies webhooks: reads secrets under SECRET_PREFIX. */
  readonly readsPerimeterSecrets: boolean;
  /** Asks Secrets Manager to rotate a credential now (a token the vendor refused, "rotate now"). */
  readonly requestsRotation: boolean;
  /** Is the rotation function: writes new versions of secrets under SECRET_PREFIX and moves their stages. */
  readonly rotatesSecrets: boolean;
}

const NO_DUTIES: EngineDuties = { plans: false, readsPerimeterSecrets: false, requestsRotation: false, rotatesSecrets: false };

/**
 * The auditor's web console: static files only (functions/console/static, copied beside the bundle,
 * where createConsoleHandler looks for them), no engine, no environment, no data access. Exported
 * so test/infra can bundle it alone.
 */
export const CONSOLE_FUNCTION: PerimeterFunctionProps = {
  entry: 'functions/console/handler.ts',
  description: 'Perimeter auditor console (static files; the app calls /audit with the auditor\'s token)',
  environment: {},
  memorySize: 256,
  bundledDirectories: [{ from: 'functions/console/static', to: 'static' }],
};

/**
 * Refuses at synth time a config naming a secret the functions could not read: in AWS they may read
 * only secrets under SECRET_PREFIX, so any other name would fail every call at run time instead.
 */
function assertSecretsReadable(config: PerimeterConfig, origin: string): void {
  const problems: string[] = [];
  const rule = `must start with "${SECRET_PREFIX}" (in AWS the functions may read only secrets named under it)`;
  config.connectors.forEach((connector, index) => {
    const secret = connector.credential?.secret;
    if (secret !== undefined && !secret.startsWith(SECRET_PREFIX)) {
      problems.push(`connectors[${index}].credential.secret (connector "${connector.id}"): "${secret}" ${rule}`);
    }
  });
  for (const [source, reference] of Object.entries(config.webhooks)) {
    if (reference !== undefined && !reference.secret.startsWith(SECRET_PREFIX)) {
      problems.push(`webhooks.${source}.secret: "${reference.secret}" ${rule}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`Config ${origin} cannot be deployed:\n- ${problems.join('\n- ')}`);
}

/**
 * The API, the engine functions behind it, the step queues and their workers, and credential
 * rotation; stateless, safe to replace.
 */
export class ServiceStack extends Stack {
  /** The REST API, its stage and routes. */
  public readonly api: PerimeterApi;
  /** AWS WAF on the API stage: rate limit per source IP and AWS managed rule groups. */
  public readonly firewall: ApiFirewall;
  /** The alarm topic and every alarm that notifies it. */
  public readonly alarms: PerimeterAlarms;
  public readonly scimFunction: lambda.IFunction;
  public readonly hrWebhookFunction: lambda.IFunction;
  public readonly adminFunction: lambda.IFunction;
  /** The read-only audit API: reads the tables and the ledger, writes nothing. */
  public readonly auditFunction: lambda.IFunction;
  /** The auditor's console: serves static files, reaches no data. */
  public readonly consoleFunction: lambda.IFunction;
  public readonly scheduledJobFunction: lambda.IFunction;
  public readonly fanoutWorker: lambda.IFunction;
  public readonly lockoutWorker: lambda.IFunction;
  /** The function Secrets Manager invokes to rotate connector credentials. */
  public readonly rotateSecretFunction: lambda.IFunction;
  /** Rotation schedules of the config's rotating credentials, and the failure metric and alarm. */
  public readonly credentialRotation: CredentialRotationSchedules;
  /** In alarm when a credential rotation step failed in the last 5 minutes (issue 6 routes it to SNS). */
  public readonly rotationFailureAlarm: cloudwatch.Alarm;
  public readonly stepQueue: StepQueue;
  public readonly lockoutQueue: StepQueue;
  public readonly schedulerRole: iam.Role;
  /**
   * Ledger retention (archive to S3, then delete), only when the config sets `retention`: the one
   * function that may delete ledger events.
   */
  public readonly retentionFunction: lambda.IFunction | undefined;

  private readonly stateful: StatefulStack;
  private readonly perimeterSecrets: secretsmanager.ISecret;
  /** The IAM resource pattern of every secret under SECRET_PREFIX (what grantRead on perimeterSecrets targets). */
  private readonly perimeterSecretsPattern: string;

  public constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    this.stateful = stateful;
    const fanoutConcurrency = props.fanoutConcurrency ?? 20;
    if (!Number.isInteger(fanoutConcurrency) || fanoutConcurrency < 2 || fanoutConcurrency > 1000) {
      throw new ConfigError(`fanoutConcurrency must be a whole number from 2 to 1000 (Lambda's limits), not ${fanoutConcurrency}`);
    }
    assertSecretsReadable(stateful.engineConfig, stateful.engineConfigOrigin);

    // Steps carry the person's attributes (names, e-mail, department), the same personal data the
    // tables hold, so they are encrypted with the same customer-managed key: one key to disable,
    // and every decrypt in CloudTrail. The grants below give producers and consumers the key use.
    this.stepQueue = new StepQueue(this, 'StepQueue', { consumerTimeout: WORKER_TIMEOUT, key: stateful.key });
    this.lockoutQueue = new StepQueue(this, 'LockoutQueue', { consumerTimeout: WORKER_TIMEOUT, key: stateful.key });

    // The role EventBridge Scheduler assumes to invoke the scheduled-job function, for the one-time
    // jobs the engine creates in the jobs group and for the recurring schedules below (default
    // group). Only schedules of this account, in those two groups, may assume it.
    const defaultScheduleGroup = scheduler.ScheduleGroup.fromDefaultScheduleGroup(this, 'DefaultScheduleGroup');
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'Perimeter: EventBridge Scheduler invokes the scheduled-job function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': this.account,
            'aws:SourceArn': [
              stateful.jobs.scheduleGroupArn,
              defaultScheduleGroup.scheduleGroupArn,
            ],
          },
        },
      }),
    });

    // The scheduled-job function needs its own ARN (it schedules follow-up jobs that target it), and
    // a function's environment cannot refer to the function itself (a CloudFormation cycle). So it
    // gets a fixed name, and every function is given the ARN built from that name. (Reading its ARN
    // from the invocation context would need a second path through the shared environment contract.)
    const scheduledJobName = `${this.stackName}-ScheduledJob`;
    if (scheduledJobName.length > 64) {
      throw new ConfigError(`Stack name ${this.stackName} is too long: the function name ${scheduledJobName} must be at most 64 characters`);
    }
    const scheduledJobArn = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: scheduledJobName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    // Secrets Manager has no grant for a name prefix; an imported secret named "perimeter/*" makes
    // grantRead produce exactly that prefix's ARN pattern (…:secret:perimeter/*-??????). The token
    // secrets have generated names outside it.
    this.perimeterSecrets = secretsmanager.Secret.fromSecretNameV2(this, 'PerimeterSecrets', `${SECRET_PREFIX}*`);
    this.perimeterSecretsPattern = `${this.perimeterSecrets.secretArn}-??????`;

    // The contract in functions/shared/readEngineEnvironment.ts.
    const engineEnvironment: Record<string, string> = {
      DIRECTORY_TABLE: stateful.directory.tableName,
      LEDGER_TABLE: stateful.ledger.tableName,
      ACCESS_TABLE: stateful.access.tableName,
      OPERATIONS_TABLE: stateful.operations.tableName,
      CONFIG_PARAMETER: stateful.configParameter.parameterName,
      STEP_QUEUE_URL: this.stepQueue.queue.queueUrl,
      LOCKOUT_QUEUE_URL: this.lockoutQueue.queue.queueUrl,
      SCHEDULER_GROUP: stateful.jobs.scheduleGroupName,
      SCHEDULER_TARGET_ARN: scheduledJobArn,
      SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
      SECRET_PREFIX,
    };

    // SCIM now also plans: every recorded lifecycle event becomes steps on the queues. Planning uses
    // the connectors' declared capabilities only, so it reads no connector credentials.
    const scim = this.engineFunction('ScimFunction', { ...NO_DUTIES, plans: true }, {
      entry: 'functions/scim/handler.ts',
      description: 'Perimeter SCIM 2.0 service provider',
      environment: { ...engineEnvironment, SCIM_TOKENS_SECRET_ID: stateful.scimTokens.secretArn },
    }).function;
    stateful.scimTokens.grantRead(scim);
    this.scimFunction = scim;

    const hrWebhook = this.engineFunction('HrWebhook', { ...NO_DUTIES, plans: true, readsPerimeterSecrets: true }, {
      entry: 'functions/hr-webhook/handler.ts',
      description: 'Perimeter HR webhooks (joiner, mover, leaver events)',
      environment: engineEnvironment,
    }).function;
    this.hrWebhookFunction = hrWebhook;

    // Rotate now (POST /admin/connectors/{id}/rotate) asks Secrets Manager to run the rotation function.
    const admin = this.engineFunction('AdminApi', { ...NO_DUTIES, plans: true, readsPerimeterSecrets: true, requestsRotation: true }, {
      entry: 'functions/admin-api/handler.ts',
      description: 'Perimeter admin API (plan preview, kill switch, connectors, dead letters, reconcile, rotate now)',
      environment: { ...engineEnvironment, ADMIN_TOKENS_SECRET_ID: stateful.adminTokens.secretArn },
    }).function;
    stateful.adminTokens.grantRead(admin);
    this.adminFunction = admin;

    // Auditor tokens and admin tokens both open the audit API (functions/audit-api/handler.ts).
    const audit = this.readOnlyEngineFunction('AuditApi', {
      entry: 'functions/audit-api/handler.ts',
      description: 'Perimeter audit API (read-only: events by person, app and time, access as of a time, export, verify)',
      environment: {
        ...engineEnvironment,
        AUDITOR_TOKENS_SECRET_ID: stateful.auditorTokens.secretArn,
        ADMIN_TOKENS_SECRET_ID: stateful.adminTokens.secretArn,
      },
    }).function;
    stateful.auditorTokens.grantRead(audit);
    stateful.adminTokens.grantRead(audit);
    this.auditFunction = audit;

    const consoleConstruct = new PerimeterFunction(this, 'Console', CONSOLE_FUNCTION);
    this.acknowledgeFunctionFindings(consoleConstruct, []);
    const consoleFunction = consoleConstruct.function;
    this.consoleFunction = consoleFunction;

    const scheduledJob = this.engineFunction('ScheduledJob', { ...NO_DUTIES, plans: true, readsPerimeterSecrets: true, requestsRotation: true }, {
      entry: 'functions/scheduled-job/handler.ts',
      description: 'Perimeter scheduled jobs: due one-time jobs, crash recovery, reconciliation',
      environment: engineEnvironment,
      functionName: scheduledJobName,
      timeout: JOB_TIMEOUT,
    }).function;
    scheduledJob.grantInvoke(this.schedulerRole);
    Validations.of(this.schedulerRole).acknowledge({ id: iam5ResourceFinding(this, `${scheduledJob.functionArn}:*`), reason: NAG_REASONS.functionVersions });
    this.scheduledJobFunction = scheduledJob;

    // Two workers on one handler. The kill-switch lane has its own function and event source, so
    // its pollers and its concurrency allowance are never taken by a backlog on the step queue.
    this.fanoutWorker = this.worker('FanoutWorker', 'step queue', this.stepQueue, fanoutConcurrency, engineEnvironment);
    this.lockoutWorker = this.worker('LockoutWorker', 'kill-switch queue', this.lockoutQueue, fanoutConcurrency, engineEnvironment);

    this.recurringSchedules(scheduledJob);
    this.retentionFunction = stateful.engineConfig.retention !== undefined ? this.retention(engineEnvironment, defaultScheduleGroup) : undefined;

    // Secrets Manager runs the four rotation steps through this function, on each rotating
    // credential's schedule and whenever an engine function requests a rotation. It records every
    // step in the ledger, so it gets the engine's tables; it neither plans nor queues.
    const rotate = this.engineFunction('RotateSecret', { ...NO_DUTIES, readsPerimeterSecrets: true, rotatesSecrets: true }, {
      entry: 'functions/rotate-secret/handler.ts',
      description: 'Perimeter credential rotation (Secrets Manager rotation function)',
      environment: engineEnvironment,
      timeout: ROTATION_TIMEOUT,
    });
    this.rotateSecretFunction = rotate.function;
    this.credentialRotation = new CredentialRotationSchedules(this, 'CredentialRotation', {
      connectors: stateful.engineConfig.connectors,
      rotationFunction: rotate.function,
      logGroup: rotate.logGroup,
      secretPrefix: SECRET_PREFIX,
      configOrigin: stateful.engineConfigOrigin,
    });
    this.rotationFailureAlarm = this.credentialRotation.failureAlarm;
    new CfnOutput(this, 'RotationFailureAlarmName', {
      description: 'In alarm when a credential rotation step failed (the current credential keeps working)',
      value: this.rotationFailureAlarm.alarmName,
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    this.api = new PerimeterApi(this, 'Api', {
      routes: { scim, hrWebhook, admin, audit, console: consoleFunction },
      rateLimit: props.rateLimit ?? 50,
      accessLogs,
    });
    this.firewall = new ApiFirewall(this, 'Firewall', {
      stage: this.api.stage,
      ...(props.wafRateLimit !== undefined ? { rateLimit: props.wafRateLimit } : {}),
    });
    new CfnOutput(this, 'ScimBaseUrl', {
      description: 'Give this to the IdP as the SCIM base URL (Okta) or tenant URL (Entra ID)',
      value: `${this.api.url}/scim/v2`,
    });
    new CfnOutput(this, 'ApiUrl', {
      description: 'HR webhooks at <ApiUrl>/hooks/hr/<source>, the admin API at <ApiUrl>/admin/..., the audit API at <ApiUrl>/audit/...',
      value: this.api.url,
    });
    new CfnOutput(this, 'ConsoleUrl', {
      description: 'The auditor\'s web console (sign in with an auditor or admin token)',
      value: `${this.api.url}/console`,
    });

    this.alarms = new PerimeterAlarms(this, 'Alarms', {
      ...(props.alarmEmail !== undefined ? { email: props.alarmEmail } : {}),
      functions: {
        ScimFunction: scim,
        HrWebhook: hrWebhook,
        AdminApi: admin,
        AuditApi: audit,
        Console: consoleFunction,
        ScheduledJob: scheduledJob,
        FanoutWorker: this.fanoutWorker,
        LockoutWorker: this.lockoutWorker,
        RotateSecret: rotate.function,
        ...(this.retentionFunction !== undefined ? { Retention: this.retentionFunction } : {}),
      },
      deadLetterQueues: { StepQueue: this.stepQueue.deadLetterQueue, LockoutQueue: this.lockoutQueue.deadLetterQueue },
      apiStage: this.api.stage,
      alarms: { 'Rotation failures': this.rotationFailureAlarm },
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Every Perimeter alarm notifies this SNS topic (subscribe e-mail with the alarmEmail context, or anything else SNS delivers to)',
      value: this.alarms.topic.topicArn,
    });
  }

  /** A function that runs the engine: its environment, and the grants every engine function needs plus its duties'. */
  private engineFunction(
    id: string,
    duties: EngineDuties,
    props: PerimeterFunctionProps,
  ): PerimeterFunction {
    const { stateful } = this;
    const perimeterFunction = new PerimeterFunction(this, id, props);
    const fn = perimeterFunction.function;
    stateful.directory.grantReadWriteData(fn);
    stateful.access.grantReadWriteData(fn);
    stateful.operations.grantReadWriteData(fn);
    // The ledger is append-only: functions may read chains and add events, never change them.
    stateful.ledger.grant(fn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem');
    // table.grant() covers the table only; the ledger's (customer-managed) key is granted here.
    stateful.key.grantEncryptDecrypt(fn);
    stateful.configParameter.grantRead(fn);
    if (duties.readsPerimeterSecrets) this.perimeterSecrets.grantRead(fn);
    if (duties.rotatesSecrets) {
      // grantWrite would add secretsmanager:UpdateSecret (description, KMS key, an unversioned value
      // change), which rotation never calls: only a new version and its stages, on the prefix.
      iam.Grant.addToPrincipal({
        grantee: fn,
        actions: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        resourceArns: [this.perimeterSecretsPattern],
      });
    }
    if (duties.requestsRotation) {
      // lib/adapters/secrets-manager/requestRotation.ts. ISecret has no grant for RotateSecret (nor a
      // generic grant()); this is the statement grantRead would build, with that one action, on the
      // prefix only. Secrets Manager then runs the rotation function with its own permissions.
      iam.Grant.addToPrincipal({
        grantee: fn,
        actions: ['secretsmanager:RotateSecret'],
        resourceArns: [this.perimeterSecretsPattern],
      });
    }
    if (duties.plans) {
      this.stepQueue.queue.grantSendMessages(fn);
      this.lockoutQueue.queue.grantSendMessages(fn);
      // lib/adapters/scheduler/EventBridgeScheduler: Create (then Update when the job exists), Get,
      // Delete, on schedules in the jobs group only; the recurring schedules are out of reach.
      stateful.jobs.grants.writeSchedules(fn);
      stateful.jobs.grants.readSchedules(fn);
      stateful.jobs.grants.deleteSchedules(fn);
      this.schedulerRole.grantPassRole(fn.grantPrincipal);
    }
    this.acknowledgeFunctionFindings(perimeterFunction, [
      { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: NAG_REASONS.kmsDataKeyActions },
      { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: NAG_REASONS.kmsDataKeyActions },
      ...this.tableIndexFindings(),
      ...(duties.readsPerimeterSecrets || duties.rotatesSecrets || duties.requestsRotation
        ? [{ id: iam5ResourceFinding(this, this.perimeterSecretsPattern), reason: NAG_REASONS.perimeterSecrets }]
        : []),
      ...(duties.plans
        ? [{ id: iam5ResourceFinding(this, this.jobSchedulesPattern()), reason: NAG_REASONS.jobSchedules }]
        : []),
    ]);
    return perimeterFunction;
  }

  /**
   * Acknowledges the cdk-nag findings every Perimeter function has (its logging policy, X-Ray's
   * "*", the pinned runtime) and the given ones, on that function (its role and policy) only.
   */
  private acknowledgeFunctionFindings(perimeterFunction: PerimeterFunction, findings: readonly { id: string; reason: string }[]): void {
    Validations.of(perimeterFunction).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: NAG_REASONS.lambdaBasicExecutionRole,
      },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: NAG_REASONS.xrayWildcard },
      { id: 'AwsSolutions-L1', reason: NAG_REASONS.lambdaRuntime },
      ...findings,
    );
  }

  /** The schedules of the jobs group, as the group's schedule grants write them (the resource cdk-nag reports). */
  private jobSchedulesPattern(): string {
    const { jobs } = this.stateful;
    return Arn.format({
      region: jobs.env.region,
      account: jobs.env.account,
      partition: Aws.PARTITION,
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${jobs.scheduleGroupName}/*`,
    });
  }

  /**
   * The IAM5 findings for the index ARNs of the tables that have global secondary indexes (every
   * table grant includes <table ARN>/index/*), as imported from the stateful stack.
   */
  private tableIndexFindings(): { id: string; reason: string }[] {
    const { stateful } = this;
    const tables = [
      [stateful.directory, directoryTable],
      [stateful.ledger, ledgerTable],
      [stateful.access, accessTable],
      [stateful.operations, operationsTable],
    ] as const;
    return tables
      .filter(([, definition]) => definition.globalIndexes.length > 0)
      .map(([table]) => ({ id: iam5ResourceFinding(this, `${stateful.exportValue(table.tableArn)}/index/*`), reason: NAG_REASONS.tableIndexes }));
  }

  /**
   * An engine function that only reads: the engine's environment (it builds the same engine), but
   * read grants on the directory, access and operations tables, only GetItem and Query on the
   * ledger, decrypt (never encrypt) with the data key, and the config parameter. No queue, no
   * scheduler, no connector secrets.
   */
  private readOnlyEngineFunction(id: string, props: PerimeterFunctionProps): PerimeterFunction {
    const { stateful } = this;
    const perimeterFunction = new PerimeterFunction(this, id, props);
    const fn = perimeterFunction.function;
    stateful.directory.grantReadData(fn);
    stateful.access.grantReadData(fn);
    stateful.operations.grantReadData(fn);
    stateful.ledger.grant(fn, 'dynamodb:GetItem', 'dynamodb:Query');
    stateful.key.grantDecrypt(fn);
    stateful.configParameter.grantRead(fn);
    this.acknowledgeFunctionFindings(perimeterFunction, this.tableIndexFindings());
    return perimeterFunction;
  }

  /**
   * Ledger retention: the Retention function and its daily schedule. It builds the engine (its
   * environment) but is granted only what a run does: read the ledger and append the run's own
   * event (GetItem, Query, PutItem), delete archived events (DeleteItem: no other function has it,
   * and no function has UpdateItem or BatchWriteItem), read and write checkpoints (Operations
   * table), put archive objects (never read, delete or bypass their lock), and use the data key.
   * No directory or access table, queue, scheduler or secret.
   *
   * Its schedule assumes a role of its own: the engine may pass the scheduler role to one-time jobs
   * it creates, and those must not be able to start a retention run.
   */
  private retention(engineEnvironment: Record<string, string>, defaultScheduleGroup: scheduler.IScheduleGroup): lambda.IFunction {
    const { stateful } = this;
    const retentionFunction = new PerimeterFunction(this, 'Retention', {
      entry: 'functions/retention/handler.ts',
      description: 'Perimeter ledger retention: seal, archive events older than the policy to S3, then delete them',
      environment: {
        ...engineEnvironment,
        ARCHIVE_BUCKET: stateful.archiveBucket.bucketName,
        // S3LedgerArchive's kmsKeyId: every archive object is encrypted with the data key.
        ARCHIVE_KEY_ARN: stateful.key.keyArn,
      },
      timeout: RETENTION_TIMEOUT,
    });
    const fn = retentionFunction.function;
    stateful.ledger.grant(fn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    stateful.operations.grantReadWriteData(fn);
    stateful.archiveBucket.grantPut(fn, `${ARCHIVE_PREFIX}*`);
    stateful.key.grantEncryptDecrypt(fn);
    stateful.configParameter.grantRead(fn);
    this.acknowledgeFunctionFindings(retentionFunction, [
      { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: NAG_REASONS.kmsDataKeyActions },
      { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: NAG_REASONS.kmsDataKeyActions },
      { id: iam5ResourceFinding(this, `${stateful.exportValue(stateful.ledger.tableArn)}/index/*`), reason: NAG_REASONS.tableIndexes },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: NAG_REASONS.archiveObjects },
      { id: iam5ResourceFinding(this, `${stateful.exportValue(stateful.archiveBucket.bucketArn)}/${ARCHIVE_PREFIX}*`), reason: NAG_REASONS.archiveObjects },
    ]);

    const role = new iam.Role(this, 'RetentionSchedulerRole', {
      description: 'Perimeter: EventBridge Scheduler invokes the retention function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account, 'aws:SourceArn': defaultScheduleGroup.scheduleGroupArn },
        },
      }),
    });
    new scheduler.Schedule(this, 'RetentionSchedule', {
      description: 'Perimeter: archive ledger events older than the retention policy to S3, then remove them from the ledger',
      schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
      timeWindow: scheduler.TimeWindow.flexible(Duration.hours(1)),
      target: new schedulerTargets.LambdaInvoke(fn, {
        role,
        input: scheduler.ScheduleTargetInput.fromObject({ task: 'retain' }),
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
      }),
    });
    Validations.of(role).acknowledge({ id: iam5ResourceFinding(this, `${fn.functionArn}:*`), reason: NAG_REASONS.functionVersions });
    return fn;
  }

  /** A fan-out worker on one queue: consumes it, reports partial batch failures, capped concurrency. */
  private worker(
    id: string,
    lane: string,
    queue: StepQueue,
    maxConcurrency: number,
    engineEnvironment: Record<string, string>,
  ): lambda.IFunction {
    // A connector call refused for an expired credential asks for a rotation, then retries.
    const fn = this.engineFunction(id, { ...NO_DUTIES, readsPerimeterSecrets: true, requestsRotation: true }, {
      entry: 'functions/fanout-worker/handler.ts',
      description: `Perimeter fan-out worker (${lane})`,
      // QUEUE_URL: where a step that must wait is handed back (ChangeMessageVisibility).
      environment: { ...engineEnvironment, QUEUE_URL: queue.queue.queueUrl },
      timeout: WORKER_TIMEOUT,
    }).function;
    queue.queue.grantConsumeMessages(fn);
    fn.addEventSource(
      new SqsEventSource(queue.queue, {
        // FIFO's maximum; order within a message group holds inside a batch.
        batchSize: 10,
        // A step that must wait fails alone (and the rest of its group after it), not the batch.
        reportBatchItemFailures: true,
        // Connector rate limits are per worker instance; this bounds the load on each vendor.
        maxConcurrency,
      }),
    );
    return fn;
  }

  /**
   * Crash recovery every 5 minutes, reconciliation at the config's interval (daily by default) and a
   * daily ledger checkpoint,
   * as EventBridge Scheduler schedules: the same service, role and target as the engine's one-time
   * jobs, and like them it delivers its input as the event, unwrapped. They live in the default
   * group, where the engine's schedule permissions (the jobs group only) cannot touch them.
   */
  private recurringSchedules(scheduledJob: lambda.IFunction): void {
    const target = (task: 'recover' | 'reconcile' | 'checkpoint', retryAttempts: number, maxEventAge: Duration): schedulerTargets.LambdaInvoke =>
      new schedulerTargets.LambdaInvoke(scheduledJob, {
        role: this.schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({ task }),
        retryAttempts,
        maxEventAge,
      });
    new scheduler.Schedule(this, 'RecoverSchedule', {
      description: 'Perimeter: deliver lifecycle events and plans an interrupted request left pending',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)),
      // The next run in 5 minutes is the retry.
      target: target('recover', 0, Duration.minutes(5)),
    });
    const { intervalMinutes } = this.stateful.engineConfig.reconciliation;
    new scheduler.Schedule(this, 'ReconcileSchedule', {
      description: 'Perimeter: compare every app with the directory (orphans, drift)',
      // 0 turns reconciliation off (as in local mode); the schedule stays, disabled.
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(intervalMinutes > 0 ? intervalMinutes : 1440)),
      enabled: intervalMinutes > 0,
      // Nothing depends on the exact minute of an hourly or rarer run: let Scheduler spread the load.
      timeWindow: intervalMinutes >= 60 ? scheduler.TimeWindow.flexible(Duration.minutes(15)) : scheduler.TimeWindow.off(),
      target: target('reconcile', 2, Duration.hours(1)),
    });
    new scheduler.Schedule(this, 'CheckpointSchedule', {
      description: 'Perimeter: verify the ledger and seal every chain head in a checkpoint',
      schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
      timeWindow: scheduler.TimeWindow.flexible(Duration.hours(1)),
      target: target('checkpoint', 2, Duration.hours(6)),
    });
  }
}
