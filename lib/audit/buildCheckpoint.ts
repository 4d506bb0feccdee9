import { GENESIS_HASH } from '../domain/LedgerEvent.js';
import { AuditError } from './AuditError.js';
import type { ChainBase, ChainHead, Checkpoint, CheckpointHead } from '../domain/Checkpoint.js';
import { computeCheckpointHash } from './computeCheckpointHash.js';
import { verifyCheckpoint } from './verifyCheckpoint.js';

export interface BuildCheckpointInput {
  /** Every chain's current head (any order). Read them after verifying the ledger, not before. */
  readonly heads: AsyncIterable<ChainHead> | Iterable<ChainHead>;
  /** The latest checkpoint; the new one links to it and must not seal any chain shorter. */
  readonly previous?: Checkpoint;
  /** New sealed bases from planRetention, by chain; other chains keep the base `previous` sealed. */
  readonly bases?: ReadonlyMap<string, ChainBase>;
  /** Defaults to now. */
  readonly createdAt?: string;
}

/**
 * Seals every chain's head (and retention base) into a checkpoint hash-chained to the previous one.
 * Throws AuditError rather than seal something that would hide tampering: a chain shorter than, or
 * different from, what the previous checkpoint sealed, a chain that disappeared, an edited previous
 * checkpoint, or a base that is not below its head (retention must keep the head).
 */
export async function buildCheckpoint(input: BuildCheckpointInput): Promise<Checkpoint> {
  const { previous } = input;
  if (previous) {
    const check = verifyCheckpoint(previous);
    if (!check.valid) throw new AuditError(`Refusing to extend the previous checkpoint. ${check.reason}`);
  }
  const previousBases = new Map<string, ChainBase>();
  for (const head of previous?.heads ?? []) if (head.base) previousBases.set(head.chain, head.base);

  const heads: CheckpointHead[] = [];
  const seen = new Set<string>();
  for await (const head of input.heads) {
    if (seen.has(head.chain)) throw new AuditError(`Two heads given for chain ${head.chain}`);
    seen.add(head.chain);
    const base = input.bases?.get(head.chain) ?? previousBases.get(head.chain);
    heads.push({ chain: head.chain, seq: head.seq, hash: head.hash, ...(base ? { base: { seq: base.seq, hash: base.hash } } : {}) });
  }
  for (const chain of input.bases?.keys() ?? []) {
    if (!seen.has(chain)) throw new AuditError(`A base was given for chain ${chain}, which has no head`);
  }
  heads.sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));

  const body = {
    createdAt: input.createdAt ?? new Date().toISOString(),
    heads,
    prevCheckpointHash: previous?.hash ?? GENESIS_HASH,
  };
  const checkpoint: Checkpoint = { ...body, hash: computeCheckpointHash(body) };
  // One set of rules for sealing and for checking a seal: whatever verifyCheckpoint would reject
  // is never written.
  const check = verifyCheckpoint(checkpoint, previous);
  if (!check.valid) throw new AuditError(`Refusing to seal. ${check.reason}`);
  return checkpoint;
}
