import type { DeadLetter, StepRecord } from '../domain/StepRecord.js';
import type { LedgerOutcome } from '../domain/LedgerEvent.js';

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
  /**
   * Lets a dead-lettered step run again from attempt 1 while its letter stays listed (a replay whose
   * send fails can be replayed again). Idempotent.
   */
  reopenDeadLetter(stepId: string): Promise<void>;
  /**
   * Takes this letter off the list once its step is back on the queue. A newer letter of the same
   * step (the replay failed again meanwhile) stays listed.
   */
  releaseDeadLetter(letter: DeadLetter): Promise<void>;

  isSuspended(connectorId: string): Promise<boolean>;
  setSuspended(connectorId: string, suspended: boolean, actor: string, at: string): Promise<void>;
  listSuspended(): Promise<string[]>;
}
