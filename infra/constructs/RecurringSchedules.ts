import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import type { ScheduledTaskName } from '../../lib/application/scheduled/recurringSchedules.js';

/** A task a scheduled function runs by name (its input is `{ task }`). */
export type ScheduledTask = ScheduledTaskName;

/** One recurring schedule, as data: what it starts, how often, and how Scheduler may deliver it. */
export interface RecurringSchedule {
  /** Also names the schedule (`recover` is RecoverSchedule): renaming a task replaces its schedule. */
  readonly task: ScheduledTask;
  readonly description: string;
  readonly rateMinutes: number;
  /** A disabled schedule stays deployed, so turning it on again changes it rather than adds one. */
  readonly enabled: boolean;
  /** How many minutes Scheduler may move a run to spread the load; 0 runs it on the minute. */
  readonly flexibleWindowMinutes: number;
  /** Scheduler's retries of a failed invocation. */
  readonly retryAttempts: number;
  /** After this long an undelivered run is dropped (the next one will come). */
  readonly maxEventAgeMinutes: number;
}

export interface RecurringSchedulesProps {
  /** The scheduled-job function. */
  readonly target: lambda.IFunction;
  /** The role the schedules assume to invoke it (the one the engine's one-time jobs use too). */
  readonly role: iam.IRole;
  /** In this order (the order they appear in the template). */
  readonly schedules: readonly RecurringSchedule[];
  /** The construct id of a schedule; by default the task's name ("recover" is RecoverSchedule). */
  readonly idOf?: (schedule: RecurringSchedule) => string;
}

/**
 * The recurring tasks of the scheduled-job function as EventBridge Scheduler schedules: the same
 * service, role and target as the engine's one-time jobs, and like them it delivers its input as
 * the event, unwrapped. They live in the default group, where the engine's schedule permissions
 * (the jobs group only) cannot touch them. The list is data, so what runs when is declared in one
 * table rather than in code here.
 *
 * Not a construct: it builds in the given scope (the service stack), because a scope of its own
 * would change the schedules' logical ids and so replace them.
 */
export class RecurringSchedules {
  public readonly schedules: readonly scheduler.Schedule[];

  public constructor(scope: Construct, props: RecurringSchedulesProps) {
    this.schedules = props.schedules.map(
      (schedule) =>
        new scheduler.Schedule(scope, props.idOf?.(schedule) ?? `${schedule.task.charAt(0).toUpperCase()}${schedule.task.slice(1)}Schedule`, {
          description: schedule.description,
          schedule: scheduler.ScheduleExpression.rate(Duration.minutes(schedule.rateMinutes)),
          enabled: schedule.enabled,
          timeWindow: schedule.flexibleWindowMinutes > 0 ? scheduler.TimeWindow.flexible(Duration.minutes(schedule.flexibleWindowMinutes)) : scheduler.TimeWindow.off(),
          target: new schedulerTargets.LambdaInvoke(props.target, {
            role: props.role,
            input: scheduler.ScheduleTargetInput.fromObject({ task: schedule.task }),
            retryAttempts: schedule.retryAttempts,
            maxEventAge: Duration.minutes(schedule.maxEventAgeMinutes),
          }),
        }),
    );
  }
}
