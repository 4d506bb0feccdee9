import type { DeadLetter, StepRecord } from '../../lib/domain/StepRecord.js';
import type { LedgerOutcome } from '../../lib/domain/LedgerEvent.js';
import type { StepStore } from '../../lib/ports/StepStore.js';

/** The StepStore contract in memory (the DynamoDB adapter's semantics: a finished step is never re-attempted). */
export class InMemoryStepStore implements StepStore {
  public readonly records = new Map<string, StepRecord>();
  public readonly letters = new Map<string, DeadLetter>();
  public readonly suspended = new Set<string>();

  public async get(stepId: string): Promise<StepRecord | undefined> {
    return this.records.get(stepId);
  }

  public async recordAttempt(stepId: string, at: string): Promise<StepRecord | undefined> {
    const current = this.records.get(stepId);
    if (current && current.status !== 'running') return undefined;
    const next: StepRecord = { ...(current ?? { stepId, status: 'running', createdAt: at }), attempts: (current?.attempts ?? 0) + 1 };
    this.records.set(stepId, next);
    return next;
  }

  public async recordFailure(stepId: string, error: string): Promise<void> {
    const current = this.records.get(stepId);
    if (current) this.records.set(stepId, { ...current, lastError: error });
  }

  public async markDone(stepId: string, outcome: LedgerOutcome): Promise<void> {
    const current = this.records.get(stepId);
    this.records.set(stepId, { ...(current ?? { stepId, attempts: 0, createdAt: '' }), status: 'done', outcome });
  }

  public async deadLetter(letter: DeadLetter): Promise<void> {
    this.letters.set(letter.step.stepId, letter);
    const current = this.records.get(letter.step.stepId);
    this.records.set(letter.step.stepId, {
      ...(current ?? { stepId: letter.step.stepId, attempts: letter.attempts, createdAt: letter.deadLetteredAt }),
      status: 'dead-lettered',
      outcome: 'dead-lettered',
      lastError: letter.error,
    });
  }

  public async listDeadLetters(limit: number): Promise<{ letters: DeadLetter[]; nextCursor?: string }> {
    return { letters: [...this.letters.values()].slice(0, limit) };
  }

  public async getDeadLetter(stepId: string): Promise<DeadLetter | undefined> {
    return this.letters.get(stepId);
  }

  public async reopenDeadLetter(stepId: string): Promise<void> {
    const current = this.records.get(stepId);
    if (!this.letters.has(stepId) || !current || current.status !== 'dead-lettered') return;
    this.records.set(stepId, { stepId, status: 'running', attempts: 0, createdAt: current.createdAt });
  }

  public async releaseDeadLetter(letter: DeadLetter): Promise<void> {
    if (this.letters.get(letter.step.stepId)?.deadLetteredAt === letter.deadLetteredAt) this.letters.delete(letter.step.stepId);
  }

  public async isSuspended(connectorId: string): Promise<boolean> {
    return this.suspended.has(connectorId);
  }

  public async setSuspended(connectorId: string, suspended: boolean): Promise<void> {
    if (suspended) this.suspended.add(connectorId);
    else this.suspended.delete(connectorId);
  }

  public async listSuspended(): Promise<string[]> {
    return [...this.suspended];
  }
}
