import type { HrEvent } from '../../domain/HrEvent.js';
import type { HrEventApplier, HrOutcome } from '../../hr/HrEventApplier.js';
import { HrEventError } from '../../hr/HrEventError.js';

/** What happened to each event of a delivery. */
export type HrDeliveryOutcome = (HrOutcome | { readonly outcome: 'rejected'; readonly reason: string }) & {
  readonly employeeId: string;
  readonly kind: HrEvent['kind'];
};

/**
 * Applies a verified delivery's events in order. A batch is checked whole before any event is
 * applied (each event on top of the ones before it), so a delivery the directory cannot take writes nothing and the refusal (HrEventError)
 * reaches the sender. (A single event needs no separate check: apply validates before it writes.)
 * A refusal after earlier events were applied (a race since the check) can no longer refuse the
 * delivery as a whole: it is reported as that event's outcome.
 */
export async function applyHrEvents(applier: Pick<HrEventApplier, 'check' | 'apply'>, events: readonly HrEvent[]): Promise<HrDeliveryOutcome[]> {
  if (events.length > 1) await applier.check(events);
  const outcomes: HrDeliveryOutcome[] = [];
  for (const [index, event] of events.entries()) {
    const about = { employeeId: event.employeeId, kind: event.kind };
    try {
      outcomes.push({ ...(await applier.apply(event)), ...about });
    } catch (error) {
      if (index === 0 || !(error instanceof HrEventError)) throw error;
      outcomes.push({ outcome: 'rejected', reason: error.message, ...about });
    }
  }
  return outcomes;
}
