import { describe, expect, it } from 'vitest';
import { AuditError } from '../../../lib/audit/AuditError.js';
import { buildCheckpoint } from '../../../lib/audit/buildCheckpoint.js';
import type { ChainHead, Checkpoint } from '../../../lib/domain/Checkpoint.js';
import { computeCheckpointHash } from '../../../lib/audit/computeCheckpointHash.js';
import { verifyCheckpoint } from '../../../lib/audit/verifyCheckpoint.js';
import { GENESIS_HASH } from '../../../lib/domain/LedgerEvent.js';
import { stream } from './auditFixtures.js';

const h = (n: number): string => n.toString(16).padStart(64, '0');
const heads: ChainHead[] = [
  { chain: 'person#p2', seq: 3, hash: h(23) },
  { chain: 'access#p1#slack', seq: 5, hash: h(15) },
  { chain: 'person#p1', seq: 2, hash: h(12) },
];

async function first(): Promise<Checkpoint> {
  return buildCheckpoint({ heads: stream(heads), createdAt: '2026-02-01T00:00:00.000Z' });
}

describe('buildCheckpoint', () => {
  it('seals every head, sorted by chain, linked to 64 zeros and hashed over its canonical JSON', async () => {
    // Act
    const checkpoint = await first();

    // Assess
    expect(checkpoint.heads.map((head) => head.chain)).toEqual(['access#p1#slack', 'person#p1', 'person#p2']);
    expect(checkpoint.prevCheckpointHash).toBe(GENESIS_HASH);
    expect(checkpoint.hash).toBe(computeCheckpointHash(checkpoint));
    expect(verifyCheckpoint(checkpoint)).toEqual({ valid: true });
  });

  it('links the next checkpoint to the previous one and carries sealed bases forward', async () => {
    // Prepare
    const previous = await buildCheckpoint({
      heads: heads,
      bases: new Map([['access#p1#slack', { seq: 2, hash: h(102) }]]),
      createdAt: '2026-02-01T00:00:00.000Z',
    });
    const grown = heads.map((head) => (head.chain === 'person#p1' ? { ...head, seq: 4, hash: h(14) } : head));

    // Act
    const next = await buildCheckpoint({ heads: grown, previous, createdAt: '2026-02-02T00:00:00.000Z' });

    // Assess
    expect(next.prevCheckpointHash).toBe(previous.hash);
    expect(next.heads.find((head) => head.chain === 'access#p1#slack')?.base).toEqual({ seq: 2, hash: h(102) });
    expect(verifyCheckpoint(next, previous)).toEqual({ valid: true });
  });

  it.each([
    ['a chain sealed shorter', heads.map((head) => (head.chain === 'person#p2' ? { ...head, seq: 2 } : head)), /person#p2 was sealed at seq 3 and is now at 2/],
    ['a chain that disappeared', heads.filter((head) => head.chain !== 'person#p1'), /person#p1 was sealed at seq 2 and is gone/],
    ['a different event at a sealed seq', heads.map((head) => (head.chain === 'person#p1' ? { ...head, hash: h(99) } : head)), /person#p1 seq 2 changed/],
  ])('refuses to seal %s, which would launder the truncation', async (_name, next, message) => {
    // Prepare
    const previous = await first();

    // Act
    const sealing = buildCheckpoint({ heads: next, previous, createdAt: '2026-02-02T00:00:00.000Z' });

    // Assess
    await expect(sealing).rejects.toThrow(AuditError);
    await expect(sealing).rejects.toThrow(message);
  });

  it('refuses a base at or above its head (retention must keep the head) and an edited previous checkpoint', async () => {
    // Prepare
    const previous = await first();
    const edited = { ...previous, heads: previous.heads.map((head) => ({ ...head, seq: head.seq + 1 })) };

    // Act
    const baseAtHead = buildCheckpoint({ heads, bases: new Map([['person#p1', { seq: 2, hash: h(12) }]]) });
    const onEdited = buildCheckpoint({ heads, previous: edited });

    // Assess
    await expect(baseAtHead).rejects.toThrow(/sealed base 2 is not below its head 2/);
    await expect(onEdited).rejects.toThrow(/edited/);
  });
});

describe('verifyCheckpoint', () => {
  it('detects an edited head, a broken link and time running backwards', async () => {
    // Prepare
    const previous = await first();
    const next = await buildCheckpoint({ heads, previous, createdAt: '2026-02-02T00:00:00.000Z' });
    const editedHead = { ...next, heads: next.heads.map((head, i) => (i === 0 ? { ...head, seq: 9 } : head)) };
    const unlinkedBody = { createdAt: next.createdAt, heads: next.heads, prevCheckpointHash: h(1) };
    const backwardsBody = { createdAt: '2026-01-01T00:00:00.000Z', heads: next.heads, prevCheckpointHash: previous.hash };

    // Act
    const results = [
      verifyCheckpoint(editedHead, previous),
      verifyCheckpoint({ ...unlinkedBody, hash: computeCheckpointHash(unlinkedBody) }, previous),
      verifyCheckpoint({ ...backwardsBody, hash: computeCheckpointHash(backwardsBody) }, previous),
    ];

    // Assess
    expect(results.map((result) => (result.valid ? 'valid' : result.reason))).toEqual([
      expect.stringMatching(/edited/),
      expect.stringMatching(/does not link/),
      expect.stringMatching(/older than the previous/),
    ]);
  });
});
