import { describe, expect, it } from 'vitest';
import type { Outbox } from '../../../lib/domain/DirectoryRecords.js';
import { deliverWithin, WRITE_DELIVERY_MS } from '../../../lib/directory/deliverWithin.js';
import type { OutboxRelay } from '../../../lib/directory/OutboxRelay.js';
import type { Logger } from '../../../lib/observability/Logger.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const outbox: Outbox = { id: 'o1', createdAt: new Date(T0).toISOString(), events: [], memberships: [] };
const resource = { type: 'Group', id: 'g1' } as const;

function recordingLogger(lines: string[]): Logger {
  return { info: (message) => void lines.push(`info ${message}`), warn: (message) => void lines.push(`warn ${message}`), error: (message) => void lines.push(`error ${message}`) };
}

/** A relay that delivers one part per clock tick of 1 s, for as long as `inTime` allows, out of `parts`. */
function partsRelay(parts: number, clock: { now: number }, delivered: number[]): OutboxRelay {
  return {
    deliver: async (_pending, inTime = () => true) => {
      for (let part = 0; part < parts; part++) {
        if (!inTime()) return false;
        delivered.push(part);
        clock.now += 1_000;
      }
      return true;
    },
  } as OutboxRelay;
}

describe('deliverWithin', () => {
  it('stops at the budget and leaves the rest to recovery, saying so', async () => {
    const clock = { now: T0 };
    const delivered: number[] = [];
    const lines: string[] = [];
    await deliverWithin({ relay: partsRelay(10, clock, delivered), logger: recordingLogger(lines), now: () => new Date(clock.now) }, resource, outbox, 3_000);
    expect(delivered).toEqual([0, 1, 2]);
    expect(lines).toEqual(['info Outbox partly delivered by its write; recovery delivers the rest']);
  });

  it('gives a write WRITE_DELIVERY_MS by default, enough for a small outbox whole', async () => {
    const clock = { now: T0 };
    const delivered: number[] = [];
    const lines: string[] = [];
    await deliverWithin({ relay: partsRelay(3, clock, delivered), logger: recordingLogger(lines), now: () => new Date(clock.now) }, resource, outbox);
    expect(delivered).toHaveLength(3);
    expect(lines).toEqual([]);
    const ofTen: number[] = [];
    await deliverWithin({ relay: partsRelay(10, clock, ofTen), logger: recordingLogger(lines), now: () => new Date(clock.now) }, resource, outbox);
    expect(ofTen).toHaveLength(WRITE_DELIVERY_MS / 1_000);
  });

  it('logs a failed delivery instead of failing the write that is already durable', async () => {
    const lines: string[] = [];
    const relay = { deliver: async () => Promise.reject(new Error('store down')) } as unknown as OutboxRelay;
    await expect(deliverWithin({ relay, logger: recordingLogger(lines), now: () => new Date(T0) }, resource, outbox, 3_000)).resolves.toBeUndefined();
    expect(lines).toEqual(['error Outbox delivery failed; recovery will retry']);
  });
});
