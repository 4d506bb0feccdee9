import type { LedgerOutcome } from './LedgerEvent.js';
import type { PlanStep } from './PlanStep.js';

/** The execution record of one step: its idempotency guard across redeliveries and restarts. */
export interface StepRecord {
  readonly stepId: string;
  readonly status: 'running' | 'done' | 'dead-lettered';
  /** Attempts that reached the connector (suspension and waiting do not count). */
  readonly attempts: number;
  readonly createdAt: string;
  readonly outcome?: LedgerOutcome;
  readonly lastError?: string;
}

export interface DeadLetter {
  readonly step: PlanStep;
  readonly deadLetteredAt: string;
  readonly attempts: number;
  /** Error kind and message (never a token or a vendor response body). */
  readonly error: string;
}
