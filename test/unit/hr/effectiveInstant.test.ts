import { describe, expect, it } from 'vitest';
import { effectiveInstant } from '../../../lib/hr/effectiveInstant.js';

const at = (effectiveAt: string, timeZone?: string): string => new Date(effectiveInstant(effectiveAt, timeZone)).toISOString();

describe('effectiveInstant', () => {
  it('ends a date-only effective date at the next local midnight in the person\'s time zone', () => {
    expect(at('2026-12-31', 'America/New_York')).toBe('2027-01-01T05:00:00.000Z');
    expect(at('2026-12-31', 'Asia/Kolkata')).toBe('2026-12-31T18:30:00.000Z');
    expect(at('2026-12-31', 'Pacific/Kiritimati')).toBe('2026-12-31T10:00:00.000Z');
  });

  it('follows daylight saving time: the day before the clocks change ends at the new offset', () => {
    // Europe/Berlin goes from UTC+1 to UTC+2 at 02:00 on 29 March 2026.
    expect(at('2026-03-28', 'Europe/Berlin')).toBe('2026-03-28T23:00:00.000Z');
    expect(at('2026-03-29', 'Europe/Berlin')).toBe('2026-03-29T22:00:00.000Z');
  });

  it('uses UTC without a time zone, or with one the runtime does not know', () => {
    expect(at('2026-12-31')).toBe('2027-01-01T00:00:00.000Z');
    expect(at('2026-12-31', 'Mars/Olympus_Mons')).toBe('2027-01-01T00:00:00.000Z');
  });

  it('keeps a date-time as the instant it names, and is NaN for anything else', () => {
    expect(at('2026-12-31T17:00:00+01:00', 'Asia/Tokyo')).toBe('2026-12-31T16:00:00.000Z');
    expect(effectiveInstant('soon', 'UTC')).toBeNaN();
  });
});
