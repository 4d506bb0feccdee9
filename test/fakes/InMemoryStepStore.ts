import type { DeadLetter, StepRecord } from '../../lib/domain/StepRecord.js';
import type { LedgerOutcome } from '../../lib/domain/LedgerEvent.js';
import type { StepStore } from '../../lib/ports/StepStore.js';
import { byKey, copy } from './storeSemantics.js';

/** The adapter keeps this much of an error message. */
const MAX_ERROR_LENGTH = 1000;

/**
 * The StepStore contract in memory (test/contract/stepStoreContract.ts), with the DynamoDB adapter's
 * semantics: a finished step is never re-attempted, dead letters are listed newest first a page at
 * a time, suspended connectors are listed by id.
 */
export class InMemoryStepStore implements StepStore {
  public readonly records = new Map<string, StepRecord>();
  /** Dead letters by step id. */
  public readonly letters = new Map<string, DeadLetter>();
  public readonly suspended = new Set<string>();

  public async get(stepId: string): Promise<StepRecord | undefined> {
    return copy(this.records.get(stepId));
  }

  public async recordAttempt(stepId: string, at: string): Promise<StepRecord | undefined> {
    const current = this.records.get(stepId);
    if (current && current.status !== 'running') return undefined;
    const next: StepRecord = { ...(current ?? { stepId, status: 'running', createdAt: at }), attempts: (current?.attempts ?? 0) + 1 };
    this.records.set(stepId, next);
    return copy(next);
  }

  public async recordFailure(stepId: string, error: string): Promise<void> {
    const current = this.records.get(stepId);
    if (current) this.records.set(stepId, { ...current, lastError: error.slice(0, MAX_ERROR_LENGTH) });
  }

  public async markDone(stepId: string, outcome: LedgerOutcome): Promise<void> {
    const current = this.records.get(stepId);
    this.records.set(stepId, { ...(current ?? { stepId, attempts: 0, createdAt: '' }), status: 'done', outcome });
  }

  public async deadLetter(letter: DeadLetter): Promise<void> {
    this.letters.set(letter.step.stepId, copy(letter));
    const current = this.records.get(letter.step.stepId);
    this.records.set(letter.step.stepId, {
      ...(current ?? { stepId: letter.step.stepId, attempts: letter.attempts, createdAt: letter.deadLetteredAt }),
      status: 'dead-lettered',
      outcome: 'dead-lettered',
      lastError: letter.error.slice(0, MAX_ERROR_LENGTH),
    });
  }

  /**
   * Newest first, by time then step id, as the adapter's sort key orders them. Like a DynamoDB
   * query, a full page carries a cursor even when nothing follows it (the next page is then empty).
   */
  public async listDeadLetters(limit: number, cursor?: string): Promise<{ letters: DeadLetter[]; nextCursor?: string }> {
    const after = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
    const sorted = [...this.letters.values()].map((letter) => ({ letter, key: letterKey(letter) })).sort((a, b) => byKey(b.key, a.key));
    const page = sorted.filter(({ key }) => after === undefined || byKey(key, after) < 0).slice(0, limit);
    const last = page.length === limit ? page.at(-1) : undefined;
    return { letters: page.map(({ letter }) => copy(letter)), ...(last ? { nextCursor: Buffer.from(last.key).toString('base64url') } : {}) };
  }

  public async getDeadLetter(stepId: string): Promise<DeadLetter | undefined> {
    return copy(this.letters.get(stepId));
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
    return [...this.suspended].sort(byKey);
  }
}

const letterKey = (letter: DeadLetter): string => `${letter.deadLetteredAt}#${letter.step.stepId}`;
