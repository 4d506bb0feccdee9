import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ConfigError } from '../../lib/config/ConfigError.js';
import { ApiFirewall } from '../constructs/ApiFirewall.js';
import { AuditorFunctions } from '../constructs/AuditorFunctions.js';
import type { CredentialRotationSchedules } from '../constructs/CredentialRotationSchedules.js';
import { EngineFunctions } from '../constructs/EngineFunctions.js';
import { FanoutWorkers, WORKER_TIMEOUT } from '../constructs/FanoutWorkers.js';
import { IngressFunctions } from '../constructs/IngressFunctions.js';
import { JobScheduling } from '../constructs/JobScheduling.js';
import { LedgerRetention } from '../constructs/LedgerRetention.js';
import { PerimeterAlarms } from '../constructs/PerimeterAlarms.js';
import { PerimeterApi } from '../constructs/PerimeterApi.js';
import { assertSecretsReadable } from '../constructs/perimeterSecrets.js';
import { RecurringSchedules } from '../constructs/RecurringSchedules.js';
import { awsRecurringSchedules } from '../constructs/awsRecurringSchedules.js';
import { ScheduledJobFunction } from '../constructs/ScheduledJobFunction.js';
import { SecretRotation } from '../constructs/SecretRotation.js';
import { StepQueue } from '../constructs/StepQueue.js';
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

/**
 * The API, the engine functions behind it, the step queues and their workers, and credential
 * rotation; stateless, safe to replace.
 *
 * The parts (infra/constructs) build their resources in this stack's scope rather than in scopes
 * of their own: a resource's logical id comes from its construct path, and a new path would replace
 * the deployed resource (test/infra pins the ids). They are built in the order this stack always
 * built them, which is the order of the template's resources and of each role's statements.
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

  public constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    const config = stateful.engineConfig;
    const fanoutConcurrency = props.fanoutConcurrency ?? 20;
    if (!Number.isInteger(fanoutConcurrency) || fanoutConcurrency < 2 || fanoutConcurrency > 1000) {
      throw new ConfigError(`fanoutConcurrency must be a whole number from 2 to 1000 (Lambda's limits), not ${fanoutConcurrency}`);
    }
    assertSecretsReadable(config, stateful.engineConfigOrigin);

    // Steps carry the person's attributes (names, e-mail, department), the same personal data the
    // tables hold, so they are encrypted with the same customer-managed key: one key to disable,
    // and every decrypt in CloudTrail. EngineFunctions gives producers and consumers the key use.
    const stepQueue = new StepQueue(this, 'StepQueue', { consumerTimeout: WORKER_TIMEOUT, key: stateful.key });
    const lockoutQueue = new StepQueue(this, 'LockoutQueue', { consumerTimeout: WORKER_TIMEOUT, key: stateful.key });
    this.stepQueue = stepQueue;
    this.lockoutQueue = lockoutQueue;
    const scheduling = new JobScheduling(this, { jobs: stateful.jobs });
    this.schedulerRole = scheduling.role;
    const engine = new EngineFunctions(this, { stateful, stepQueue, lockoutQueue, scheduling });

    const ingress = new IngressFunctions({ engine, stateful });
    const auditor = new AuditorFunctions(this, { engine, stateful });
    const scheduledJob = new ScheduledJobFunction({ engine, scheduling }).function;
    const workers = new FanoutWorkers({ engine, stepQueue, lockoutQueue, maxConcurrency: fanoutConcurrency });
    const schedules = awsRecurringSchedules(config);
    new RecurringSchedules(this, { target: scheduledJob, role: scheduling.role, schedules: schedules['scheduled-job'] });
    // The retention function exists only where its schedule is on: it alone may delete ledger events.
    const retentionSchedule = schedules.retention.find((schedule) => schedule.enabled);
    const retention = retentionSchedule
      ? new LedgerRetention(this, { stateful, engineEnvironment: engine.environment, defaultScheduleGroup: scheduling.defaultScheduleGroup, schedule: retentionSchedule }).function
      : undefined;
    const rotation = new SecretRotation(this, { engine, stateful });
    this.scimFunction = ingress.scim;
    this.hrWebhookFunction = ingress.hrWebhook;
    this.adminFunction = ingress.admin;
    this.auditFunction = auditor.audit;
    this.consoleFunction = auditor.console;
    this.scheduledJobFunction = scheduledJob;
    this.fanoutWorker = workers.fanoutWorker;
    this.lockoutWorker = workers.lockoutWorker;
    this.retentionFunction = retention;
    this.rotateSecretFunction = rotation.function;
    this.credentialRotation = rotation.schedules;
    this.rotationFailureAlarm = rotation.schedules.failureAlarm;

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const routes = { scim: ingress.scim, hrWebhook: ingress.hrWebhook, admin: ingress.admin, audit: auditor.audit, console: auditor.console };
    this.api = new PerimeterApi(this, 'Api', { routes, rateLimit: props.rateLimit ?? 50, accessLogs });
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
        ScimFunction: ingress.scim,
        HrWebhook: ingress.hrWebhook,
        AdminApi: ingress.admin,
        AuditApi: auditor.audit,
        Console: auditor.console,
        ScheduledJob: scheduledJob,
        FanoutWorker: workers.fanoutWorker,
        LockoutWorker: workers.lockoutWorker,
        RotateSecret: rotation.function,
        ...(retention !== undefined ? { Retention: retention } : {}),
      },
      deadLetterQueues: { StepQueue: stepQueue.deadLetterQueue, LockoutQueue: lockoutQueue.deadLetterQueue },
      workerLogGroups: workers.logGroups,
      apiStage: this.api.stage,
      alarms: { 'Rotation failures': this.rotationFailureAlarm },
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Every Perimeter alarm notifies this SNS topic (subscribe e-mail with the alarmEmail context, or anything else SNS delivers to)',
      value: this.alarms.topic.topicArn,
    });
  }
}
