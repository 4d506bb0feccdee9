import type { Checkpoint, CheckpointHead } from '../domain/Checkpoint.js';
import type { LedgerEventStream } from './LedgerEventStream.js';
import { verifyChain, type ChainBreak } from './verifyChain.js';
import { verifyCheckpoint } from './verifyCheckpoint.js';

export interface VerifyLedgerInput {
  /** Every chain id in the store, any order. */
  chains(): AsyncIterable<string> | Iterable<string>;
  /** One chain's events in seq order, streamed. */
  events(chain: string): LedgerEventStream;
  /** The latest checkpoint: adds truncation and rewrite detection, and supplies retention bases. */
  readonly checkpoint?: Checkpoint;
}

/** The checkpoint given as the trust anchor fails its own hash: nothing can be verified against it. */
export interface CheckpointBreak {
  readonly intact: false;
  readonly reason: 'checkpoint edited';
  readonly checkpointHash: string;
  readonly detail: string;
}

export type LedgerVerification =
  | { readonly intact: true; readonly chains: number; readonly events: number }
  | { readonly intact: false; readonly chains: number; readonly events: number; readonly firstBreak: ChainBreak | CheckpointBreak };

/**
 * Verifies every chain and reports the first break. Chains are walked in sorted (code-unit) order,
 * so the same ledger always yields the same first break whatever order the store lists them in.
 * Chains the checkpoint sealed are verified even when the store no longer lists them: deleting a
 * whole chain is truncation too. Only chain ids are held in memory, never events; counts cover the
 * chains and events verified up to and including the first break.
 */
export async function verifyLedger(input: VerifyLedgerInput): Promise<LedgerVerification> {
  const { checkpoint } = input;
  const sealed = new Map<string, CheckpointHead>();
  if (checkpoint) {
    const check = verifyCheckpoint(checkpoint);
    if (!check.valid) {
      return {
        intact: false,
        chains: 0,
        events: 0,
        firstBreak: { intact: false, reason: 'checkpoint edited', checkpointHash: checkpoint.hash, detail: check.reason },
      };
    }
    for (const head of checkpoint.heads) sealed.set(head.chain, head);
  }

  const names = new Set<string>(sealed.keys());
  for await (const chain of input.chains()) names.add(chain);
  const ordered = [...names].sort();

  let chains = 0;
  let events = 0;
  for (const chain of ordered) {
    const head = sealed.get(chain);
    const result = await verifyChain(chain, input.events(chain), head ? { checkpoint: head, ...(head.base ? { base: head.base } : {}) } : {});
    chains++;
    if (!result.intact) return { intact: false, chains, events, firstBreak: result };
    events += result.events;
  }
  return { intact: true, chains, events };
}
