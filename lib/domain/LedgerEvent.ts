import type { EventSource } from './LifecycleEvent.js';

export type LedgerOutcome = 'recorded' | 'applied' | 'skipped' | 'failed' | 'dead-lettered';

/** What a writer hands the ledger; the ledger adds position, time and hashes. */
export interface LedgerEventDraft {
  /** Idempotency key: appending the same eventId twice to a chain records it once. */
  readonly eventId: string;
  /** The hash chain it belongs to: `person#<id>` or `group#<id>`. */
  readonly chain: string;
  /** e.g. `lifecycle.joiner`, `group.created`, later `step.applied`. */
  readonly type: string;
  readonly occurredAt: string;
  readonly source: EventSource;
  readonly outcome: LedgerOutcome;
  readonly personId?: string;
  readonly app?: string;
  readonly entitlement?: string;
  /** The policy rule that justified the change, when one did. */
  readonly rule?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface LedgerEvent extends LedgerEventDraft {
  /** 1-based position in the chain; (chain, seq) is written at most once. */
  readonly seq: number;
  readonly recordedAt: string;
  /** SHA-256 (hex) of the previous event of the chain, or 64 zeros for the first. */
  readonly prevHash: string;
  /** SHA-256 (hex) of this event's canonical JSON (RFC 8785) without `hash`. */
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
