import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { StepExecutor } from '../../lib/fanout/StepExecutor.js';
import type { Logger } from '../../lib/observability/Logger.js';
import type { PlanStep } from '../../lib/domain/PlanStep.js';
import type { QueueControl } from '../../lib/ports/QueueControl.js';

export interface FanoutHandlerDependencies {
  readonly executor: StepExecutor;
  readonly queue: QueueControl;
  readonly logger: Logger;
}

export type FanoutHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * The fan-out worker: one SQS FIFO batch in, each step executed in order. A step that must wait is
 * handed back with its delay and reported as a batch-item failure; so are the later records of its
 * group in this batch, because FIFO order within a group (one person, one app) must hold.
 */
export function createFanoutHandler(deps: FanoutHandlerDependencies): FanoutHandler {
  return async (event) => {
    const failures: string[] = [];
    const blockedGroups = new Set<string>();
    for (const record of event.Records) {
      const group = record.attributes.MessageGroupId ?? record.messageId;
      if (blockedGroups.has(group)) {
        failures.push(record.messageId);
        continue;
      }
      if (!(await handleRecord(deps, record))) {
        failures.push(record.messageId);
        blockedGroups.add(group);
      }
    }
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** True when the message is finished with (done, duplicate, dead-lettered). */
async function handleRecord(deps: FanoutHandlerDependencies, record: SQSRecord): Promise<boolean> {
  let step: PlanStep;
  try {
    step = JSON.parse(record.body) as PlanStep;
  } catch (error) {
    // Not ours to retry: SQS's own redrive policy moves it to the dead-letter queue.
    deps.logger.error('Unreadable step message', { messageId: record.messageId, error });
    return false;
  }
  try {
    const disposition = await deps.executor.execute(step);
    if (disposition.kind === 'done') return true;
    await deps.queue.retryLater(record.receiptHandle, disposition.delayMs);
    return false;
  } catch (error) {
    deps.logger.error('Step execution failed unexpectedly; the queue will redeliver it', { stepId: step.stepId, error });
    return false;
  }
}
