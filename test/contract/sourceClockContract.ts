import { expect } from 'vitest';
import type { SourceClock } from '../../lib/ports/SourceClock.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

/** What every SourceClock adapter promises the HR applier: per person and source, a time that only moves forward. */
export function describeSourceClockContract(name: string, openClock: () => Promise<SourceClock>, options: ContractOptions = {}): void {
  describeContract(`SourceClock contract: ${name}`, openClock, options, (clause) => {
    clause('knows no time before an event was applied', async (clock) => {
      expect(await clock.lastApplied('p1', 'hr:bamboohr')).toBeUndefined();
    });

    clause('moves forward only, per person and source', async (clock) => {
      await clock.advance('p1', 'hr:bamboohr', '2026-03-01T10:00:00.000Z');
      await clock.advance('p1', 'hr:bamboohr', '2026-03-01T09:00:00.000Z');
      await clock.advance('p1', 'hr:bamboohr', '2026-03-01T10:00:00.000Z');
      await clock.advance('p1', 'hr:workday', '2026-03-01T08:00:00.000Z');
      await clock.advance('p2', 'hr:bamboohr', '2026-03-02T00:00:00.000Z');
      expect(await clock.lastApplied('p1', 'hr:bamboohr')).toBe('2026-03-01T10:00:00.000Z');
      expect(await clock.lastApplied('p1', 'hr:workday')).toBe('2026-03-01T08:00:00.000Z');
      expect(await clock.lastApplied('p2', 'hr:bamboohr')).toBe('2026-03-02T00:00:00.000Z');
      await clock.advance('p1', 'hr:bamboohr', '2026-03-01T11:00:00.000Z');
      expect(await clock.lastApplied('p1', 'hr:bamboohr')).toBe('2026-03-01T11:00:00.000Z');
    });
  });
}
