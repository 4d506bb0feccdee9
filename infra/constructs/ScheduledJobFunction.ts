import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { type EngineFunctions, NO_DUTIES } from './EngineFunctions.js';
import type { JobScheduling } from './JobScheduling.js';

/** Reconciliation lists every app; give it all the time Lambda allows. */
const JOB_TIMEOUT = Duration.minutes(15);

export interface ScheduledJobFunctionProps {
  readonly engine: EngineFunctions;
  readonly scheduling: JobScheduling;
}

/**
 * The function EventBridge Scheduler invokes: due one-time jobs (which it plans and reschedules, so
 * it has every planner's grants), crash recovery, reconciliation and checkpoints. It runs under the
 * fixed name whose ARN the engine's environment already carries. Built through `engine`, so in its
 * scope (the service stack), keeping its logical id.
 */
export class ScheduledJobFunction {
  public readonly function: lambda.IFunction;

  public constructor(props: ScheduledJobFunctionProps) {
    const { engine, scheduling } = props;
    this.function = engine.add('ScheduledJob', { ...NO_DUTIES, plans: true, readsPerimeterSecrets: true, requestsRotation: true }, {
      entry: 'functions/scheduled-job/handler.ts',
      description: 'Perimeter scheduled jobs: due one-time jobs, crash recovery, reconciliation',
      environment: engine.environment,
      functionName: scheduling.jobFunctionName,
      timeout: JOB_TIMEOUT,
    }).function;
    scheduling.allowInvoke(this.function);
  }
}
