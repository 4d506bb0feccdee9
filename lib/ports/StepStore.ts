import type { DeadLetter, StepRecord } from '../domain/StepRecord.js';
import type { LedgerOutcome } from '../domain/LedgerEvent.js';
import type { PlanStep } from '../domain/PlanStep.js';

/** Step execution records, dead letters and connector suspension, in the Operations table. */
export interface StepStore {
  get(stepId: string): Promise<StepRecord | undefined>;
  /**
   * Counts an attempt (creating the record on the first) and returns the record after it, or
   * undefined when the step already finished (done or dead-lettered): a redelivery to ignore.
   */
  recordAttempt(stepId: string, at: string): Promise<StepRecord | undefined>;
  recordFailure(stepId: string, error: string): Promise<void>;
  markDone(stepId: string, outcome: LedgerOutcome): Promise<void>;
  /** Marks the step dead-lettered and lists it for /admin/dead-letters. */
  deadLetter(letter: DeadLetter): Promise<void>;
  listDeadLetters(limit: number, cursor?: string): Promise<{ letters: DeadLetter[]; nextCursor?: string }>;
  getDeadLetter(stepId: string): Promise<DeadLetter | undefined>;
  /** Forgets a dead letter and its record, so the step can run again from attempt 1. */
  releaseDeadLetter(stepId: string): Promise<void>;

  isSuspended(connectorId: string): Promise<boolean>;
  setSuspended(connectorId: string, suspended: boolean, actor: string, at: string): Promise<void>;
  listSuspended(): Promise<string[]>;
}
