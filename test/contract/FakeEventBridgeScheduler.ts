import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  type CreateScheduleCommandOutput,
  DeleteScheduleCommand,
  type DeleteScheduleCommandInput,
  type DeleteScheduleCommandOutput,
  GetScheduleCommand,
  ListSchedulesCommand,
  type ListSchedulesCommandInput,
  type ListSchedulesCommandOutput,
  type GetScheduleCommandInput,
  type GetScheduleCommandOutput,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
  type UpdateScheduleCommandInput,
  type UpdateScheduleCommandOutput,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import type { AwsClientStub } from 'aws-sdk-client-mock';

const $metadata = { httpStatusCode: 400 };
const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;

/**
 * An in-memory EventBridge Scheduler for one-time schedules, written from the API reference: names
 * are 1-64 of [0-9a-zA-Z-_.] and unique per group (CreateSchedule on an existing one is a
 * ConflictException), UpdateSchedule, DeleteSchedule and GetSchedule of a missing one are
 * ResourceNotFoundException, and an at() expression must name a future time in its time zone (UTC
 * here). Holds the inputs as sent, so a test can read what the adapter asked for.
 */
export class FakeEventBridgeScheduler {
  public readonly schedules = new Map<string, CreateScheduleCommandInput>();

  public constructor(private readonly now: () => Date) {}

  /** Routes the mocked client's commands to this fake. */
  public wire(mock: AwsClientStub<SchedulerClient>): void {
    mock.on(CreateScheduleCommand).callsFake((input: CreateScheduleCommandInput) => this.createSchedule(input));
    mock.on(UpdateScheduleCommand).callsFake((input: UpdateScheduleCommandInput) => this.updateSchedule(input));
    mock.on(DeleteScheduleCommand).callsFake((input: DeleteScheduleCommandInput) => this.deleteSchedule(input));
    mock.on(GetScheduleCommand).callsFake((input: GetScheduleCommandInput) => this.getSchedule(input));
    mock.on(ListSchedulesCommand).callsFake((input: ListSchedulesCommandInput) => this.listSchedules(input));
  }

  public createSchedule(input: CreateScheduleCommandInput): CreateScheduleCommandOutput {
    const key = this.validKey(input);
    this.validate(input);
    if (this.schedules.has(key)) {
      const message = `Schedule ${String(input.Name)} already exists.`;
      throw new ConflictException({ $metadata, message, Message: message });
    }
    this.schedules.set(key, structuredClone(input));
    return { $metadata: {}, ScheduleArn: this.arn(input) };
  }

  public updateSchedule(input: UpdateScheduleCommandInput): UpdateScheduleCommandOutput {
    const key = this.validKey(input);
    this.validate(input);
    if (!this.schedules.has(key)) throw notFound(input.Name);
    this.schedules.set(key, structuredClone(input));
    return { $metadata: {}, ScheduleArn: this.arn(input) };
  }

  public deleteSchedule(input: DeleteScheduleCommandInput): DeleteScheduleCommandOutput {
    const key = this.validKey(input);
    if (!this.schedules.delete(key)) throw notFound(input.Name);
    return { $metadata: {} };
  }

  public getSchedule(input: GetScheduleCommandInput): GetScheduleCommandOutput {
    const schedule = this.schedules.get(this.validKey(input));
    if (!schedule) throw notFound(input.Name);
    return {
      $metadata: {},
      Arn: this.arn(schedule),
      Name: schedule.Name,
      GroupName: schedule.GroupName,
      ScheduleExpression: schedule.ScheduleExpression,
      ScheduleExpressionTimezone: schedule.ScheduleExpressionTimezone,
      FlexibleTimeWindow: schedule.FlexibleTimeWindow,
      ActionAfterCompletion: schedule.ActionAfterCompletion,
      Target: structuredClone(schedule.Target),
      State: 'ENABLED',
    };
  }

  /** One group's schedules by name, MaxResults (1-100) a page, NextToken opaque (here: the page's last key). */
  public listSchedules(input: ListSchedulesCommandInput): ListSchedulesCommandOutput {
    const max = input.MaxResults ?? 100;
    if (!Number.isInteger(max) || max < 1 || max > 100) throw invalid(`Invalid MaxResults: ${String(max)}`);
    const prefix = `${input.GroupName ?? 'default'}/`;
    let after: string | undefined;
    if (input.NextToken !== undefined) {
      after = Buffer.from(input.NextToken, 'base64url').toString('utf8');
      if (!after.startsWith(prefix)) throw invalid('Invalid NextToken');
    }
    const keys = [...this.schedules.keys()].filter((key) => key.startsWith(prefix) && (after === undefined || key > after)).sort();
    const page = keys.slice(0, max);
    const last = page.at(-1);
    return {
      $metadata: {},
      Schedules: page.map((key) => ({ Name: key.slice(prefix.length), GroupName: input.GroupName ?? 'default', State: 'ENABLED', Arn: this.arn(this.schedules.get(key) ?? {}) })),
      ...(keys.length > max && last ? { NextToken: Buffer.from(last, 'utf8').toString('base64url') } : {}),
    };
  }

  private validKey(input: { Name?: string; GroupName?: string }): string {
    if (!input.Name || !NAME.test(input.Name)) throw invalid(`Invalid schedule name: ${String(input.Name)}`);
    return `${input.GroupName ?? 'default'}/${input.Name}`;
  }

  private validate(input: CreateScheduleCommandInput | UpdateScheduleCommandInput): void {
    if (!input.FlexibleTimeWindow?.Mode) throw invalid('FlexibleTimeWindow is required');
    if (!input.Target?.Arn || !input.Target.RoleArn) throw invalid('Target Arn and RoleArn are required');
    const at = AT.exec(input.ScheduleExpression ?? '');
    if (!at) throw invalid(`Invalid Schedule Expression ${String(input.ScheduleExpression)}`);
    if ((input.ScheduleExpressionTimezone ?? 'UTC') !== 'UTC') throw invalid('This fake only knows UTC');
    if (Date.parse(`${at[1]}Z`) <= this.now().getTime()) throw invalid('The at() time must be in the future');
  }

  private arn(input: { Name?: string; GroupName?: string }): string {
    return `arn:aws:scheduler:eu-west-1:111122223333:schedule/${input.GroupName ?? 'default'}/${input.Name}`;
  }
}

function notFound(name: string | undefined): ResourceNotFoundException {
  const message = `Schedule ${String(name)} does not exist.`;
  return new ResourceNotFoundException({ $metadata, message, Message: message });
}

function invalid(message: string): ValidationException {
  return new ValidationException({ $metadata, message, Message: message });
}
