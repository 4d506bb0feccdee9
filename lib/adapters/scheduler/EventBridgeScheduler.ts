import { createHash } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  type ListSchedulesCommandOutput,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { InvalidCursorError } from '../../audit/InvalidCursorError.js';
import type { ScheduledJob, ScheduledJobPage, Scheduler } from '../../ports/Scheduler.js';

export interface EventBridgeSchedulerOptions {
  readonly groupName: string;
  /** The function every job invokes (functions/scheduled-job), with the job as its input. */
  readonly targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  readonly roleArn: string;
  readonly client?: SchedulerClient;
  readonly now?: () => Date;
}

/** EventBridge refuses an at() in the past; a job due sooner than this runs this much from now. */
const MIN_LEAD_MS = 60_000;

/**
 * One-time jobs as EventBridge Scheduler schedules: one schedule per job, named after the job id
 * (so a rehire can delete a pending termination by name), deleted by the service once it ran.
 */
export class EventBridgeScheduler implements Scheduler {
  private readonly client: SchedulerClient;
  private readonly now: () => Date;

  public constructor(private readonly options: EventBridgeSchedulerOptions) {
    this.client = options.client ?? new SchedulerClient({});
    this.now = options.now ?? (() => new Date());
  }

  public async schedule(job: ScheduledJob): Promise<void> {
    const runAt = Math.max(Date.parse(job.runAt), this.now().getTime() + MIN_LEAD_MS);
    const input: CreateScheduleCommandInput = {
      Name: scheduleName(job.id),
      GroupName: this.options.groupName,
      // at() takes a local date-time without zone or fraction; the zone is given separately.
      ScheduleExpression: `at(${new Date(runAt).toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: this.options.targetArn,
        RoleArn: this.options.roleArn,
        Input: JSON.stringify({ job }),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      },
    };
    try {
      await this.client.send(new CreateScheduleCommand(input));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      await this.client.send(new UpdateScheduleCommand(input));
    }
  }

  public async cancel(jobId: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: scheduleName(jobId), GroupName: this.options.groupName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }

  public async get(jobId: string): Promise<ScheduledJob | undefined> {
    return this.read(scheduleName(jobId));
  }

  /**
   * ListSchedules over the jobs group, then each schedule read for its job (a summary names the
   * schedule, not the job: a long id's name is a hash). A schedule gone between the two (it ran, or
   * was cancelled) is left out. The cursor is the service's NextToken; one it refuses is an
   * InvalidCursorError.
   */
  public async list(page: { readonly limit: number; readonly cursor?: string }): Promise<ScheduledJobPage> {
    let listed: ListSchedulesCommandOutput;
    try {
      listed = await this.client.send(new ListSchedulesCommand({ GroupName: this.options.groupName, MaxResults: page.limit, ...(page.cursor ? { NextToken: page.cursor } : {}) }));
    } catch (error) {
      // The only input a caller controls is the cursor: a token the service did not issue is theirs to fix.
      if (page.cursor !== undefined && error instanceof ValidationException) throw new InvalidCursorError('The cursor is not one this listing issued', { cause: error });
      throw error;
    }
    const names = (listed.Schedules ?? []).flatMap((summary) => (summary.Name ? [summary.Name] : []));
    const jobs = (await Promise.all(names.map((name) => this.read(name)))).filter((job): job is ScheduledJob => job !== undefined);
    return listed.NextToken ? { jobs, nextCursor: listed.NextToken } : { jobs };
  }

  private async read(name: string): Promise<ScheduledJob | undefined> {
    try {
      const schedule = await this.client.send(new GetScheduleCommand({ Name: name, GroupName: this.options.groupName }));
      const input = schedule.Target?.Input;
      return input ? (JSON.parse(input) as { job: ScheduledJob }).job : undefined;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
}

/** Schedule names are 1-64 of [0-9a-zA-Z-_.]; longer or other ids are hashed (stably). */
export function scheduleName(jobId: string): string {
  if (/^[\w.-]{1,64}$/.test(jobId)) return jobId;
  return `job-${createHash('sha256').update(jobId).digest('hex').slice(0, 56)}`;
}
