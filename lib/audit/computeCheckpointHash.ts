import { createHash } from 'node:crypto';
import type { Checkpoint } from '../domain/Checkpoint.js';
import { canonicalJson } from './canonicalJson.js';

/** SHA-256 over the canonical JSON of the checkpoint without its own hash, exactly as events are hashed. */
export function computeCheckpointHash(checkpoint: Omit<Checkpoint, 'hash'> | Checkpoint): string {
  const { hash: _ignored, ...body } = checkpoint as Checkpoint;
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}
