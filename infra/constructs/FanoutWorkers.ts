import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type EngineFunctions, NO_DUTIES } from './EngineFunctions.js';
import type { StepQueue } from './StepQueue.js';

/**
 * A worker runs up to 10 steps in order, each a few vendor calls with a 10 s timeout; a step that
 * must wait is handed back to the queue, never slept on. The queues' visibility timeout derives
 * from it, so it is exported for them.
 */
export const WORKER_TIMEOUT = Duration.minutes(2);

export interface FanoutWorkersProps {
  readonly engine: EngineFunctions;
  readonly stepQueue: StepQueue;
  /** The kill-switch lane (leavers' lockouts). */
  readonly lockoutQueue: StepQueue;
  /** Concurrent worker instances each queue's event source may run (checked by the service stack). */
  readonly maxConcurrency: number;
}

/**
 * Two workers on one handler, one per queue. The kill-switch lane has its own function and event
 * source, so its pollers and its concurrency allowance are never taken by a backlog on the step
 * queue. Built through `engine`, so in its scope (the service stack), keeping their logical ids.
 */
export class FanoutWorkers {
  public readonly fanoutWorker: lambda.IFunction;
  public readonly lockoutWorker: lambda.IFunction;
  /** Both workers' log groups: where the executor's "Account conflict" lines land. */
  public readonly logGroups: readonly logs.ILogGroup[];

  public constructor(props: FanoutWorkersProps) {
    const fanout = worker(props, 'FanoutWorker', 'step queue', props.stepQueue);
    const lockout = worker(props, 'LockoutWorker', 'kill-switch queue', props.lockoutQueue);
    this.fanoutWorker = fanout.function;
    this.lockoutWorker = lockout.function;
    this.logGroups = [fanout.logGroup, lockout.logGroup];
  }
}

/** A fan-out worker on one queue: consumes it, reports partial batch failures, capped concurrency. */
function worker({ engine, maxConcurrency }: FanoutWorkersProps, id: string, lane: string, queue: StepQueue): { function: lambda.IFunction; logGroup: logs.ILogGroup } {
  // A connector call refused for an expired credential asks for a rotation, then retries.
  const created = engine.add(id, { ...NO_DUTIES, readsPerimeterSecrets: true, requestsRotation: true }, {
    entry: 'functions/fanout-worker/handler.ts',
    description: `Perimeter fan-out worker (${lane})`,
    // QUEUE_URL: where a step that must wait is handed back (ChangeMessageVisibility).
    environment: { ...engine.environment, QUEUE_URL: queue.queue.queueUrl },
    timeout: WORKER_TIMEOUT,
  });
  const fn = created.function;
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
  return { function: fn, logGroup: created.logGroup };
}
