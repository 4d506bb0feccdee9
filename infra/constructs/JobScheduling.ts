import { Arn, ArnFormat, Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { ConfigError } from '../../lib/config/ConfigError.js';
import type { NagFinding } from '../nag/acknowledgeFunctionFindings.js';
import { iam5ResourceFinding } from '../nag/iam5ResourceFinding.js';
import { NAG_REASONS } from '../nag/nagReasons.js';

export interface JobSchedulingProps {
  /** The group the engine's one-time jobs go in (the stateful stack's, retained with the data). */
  readonly jobs: scheduler.ScheduleGroup;
}

/**
 * What EventBridge Scheduler needs to run the scheduled-job function: the role it assumes, for the
 * one-time jobs the engine creates in the jobs group and for the recurring schedules (default
 * group), the function's fixed name and ARN, and the grants a planner gets to manage one-time jobs.
 *
 * Not a construct: it builds in the given scope (the service stack), because a scope of its own
 * would change the role's logical id and so replace it.
 */
export class JobScheduling {
  /** Only schedules of this account, in the jobs group or the default group, may assume it. */
  public readonly role: iam.Role;
  /** Where the recurring schedules live, out of reach of the engine's schedule permissions. */
  public readonly defaultScheduleGroup: scheduler.IScheduleGroup;
  /** The scheduled-job function's physical name (see the constructor). */
  public readonly jobFunctionName: string;
  /** The scheduled-job function's ARN, built from its name: what every engine function schedules. */
  public readonly jobFunctionArn: string;
  private readonly jobs: scheduler.ScheduleGroup;

  public constructor(scope: Construct, props: JobSchedulingProps) {
    const stack = Stack.of(scope);
    this.jobs = props.jobs;
    this.defaultScheduleGroup = scheduler.ScheduleGroup.fromDefaultScheduleGroup(scope, 'DefaultScheduleGroup');
    this.role = new iam.Role(scope, 'SchedulerRole', {
      description: 'Perimeter: EventBridge Scheduler invokes the scheduled-job function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': [
              props.jobs.scheduleGroupArn,
              this.defaultScheduleGroup.scheduleGroupArn,
            ],
          },
        },
      }),
    });

    // The scheduled-job function needs its own ARN (it schedules follow-up jobs that target it), and
    // a function's environment cannot refer to the function itself (a CloudFormation cycle). So it
    // gets a fixed name, and every function is given the ARN built from that name. (Reading its ARN
    // from the invocation context would need a second path through the shared environment contract.)
    this.jobFunctionName = `${stack.stackName}-ScheduledJob`;
    if (this.jobFunctionName.length > 64) {
      throw new ConfigError(`Stack name ${stack.stackName} is too long: the function name ${this.jobFunctionName} must be at most 64 characters`);
    }
    this.jobFunctionArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: this.jobFunctionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /**
   * lib/adapters/scheduler/EventBridgeScheduler: Create (then Update when the job exists), Get,
   * Delete, List, on schedules in the jobs group only; the recurring schedules are out of reach. And the
   * role the jobs run as, to pass to Scheduler.
   */
  public grantManageJobs(fn: lambda.IFunction): void {
    this.jobs.grants.writeSchedules(fn);
    this.jobs.grants.readSchedules(fn);
    this.jobs.grants.deleteSchedules(fn);
    // GET /admin/scheduled lists the pending jobs; ListSchedules has no resource-level permission
    // (the group is its parameter), and the group has no grant for it.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['scheduler:ListSchedules'], resources: ['*'] }));
    this.role.grantPassRole(fn.grantPrincipal);
  }

  /** The IAM5 finding of grantManageJobs: the jobs group's schedules, as its grants write them. */
  public manageJobsFinding(): NagFinding {
    const pattern = Arn.format({
      region: this.jobs.env.region,
      account: this.jobs.env.account,
      partition: Aws.PARTITION,
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.jobs.scheduleGroupName}/*`,
    });
    return { id: iam5ResourceFinding(this.role, pattern), reason: NAG_REASONS.jobSchedules };
  }

  /** Lets the schedules (one-time and recurring) invoke the scheduled-job function. */
  public allowInvoke(scheduledJob: lambda.IFunction): void {
    scheduledJob.grantInvoke(this.role);
    Validations.of(this.role).acknowledge({ id: iam5ResourceFinding(this.role, `${scheduledJob.functionArn}:*`), reason: NAG_REASONS.functionVersions });
  }
}
