import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../lib/fanout/backoffDelay.js';

const CAP_MS = 15 * 60_000;
const low = (): number => 0;
const high = (): number => 0.999_999;

describe('backoffDelay', () => {
  it('doubles per attempt from one second, between half and the whole of the exponential', () => {
    // Act
    const bounds = [1, 2, 3, 4, 5].map((attempt) => [backoffDelay(attempt, undefined, low), backoffDelay(attempt, undefined, high)]);

    // Assess
    expect(bounds).toEqual([
      [500, 1_000],
      [1_000, 2_000],
      [2_000, 4_000],
      [4_000, 8_000],
      [8_000, 16_000],
    ]);
  });

  it('treats attempt 0 (or less) like the first attempt', () => {
    // Act
    const zero = backoffDelay(0, undefined, low);
    const negative = backoffDelay(-3, undefined, high);

    // Assess
    expect(zero).toBe(500);
    expect(negative).toBe(1_000);
  });

  it('caps the exponential at 15 minutes, however many attempts', () => {
    // Act
    const at11 = [backoffDelay(11, undefined, low), backoffDelay(11, undefined, high)];
    const at50 = [backoffDelay(50, undefined, low), backoffDelay(50, undefined, high)];
    const at2000 = backoffDelay(2_000, undefined, high);

    // Assess: 2^10 s = 1024 s is past the cap already.
    expect(at11).toEqual([CAP_MS / 2, CAP_MS]);
    expect(at50).toEqual([CAP_MS / 2, CAP_MS]);
    expect(at2000).toBe(CAP_MS);
  });

  it('never retries sooner than Retry-After, even past the cap', () => {
    // Act
    const shortRetryAfter = backoffDelay(4, 100, low);
    const longRetryAfter = backoffDelay(1, 30_000, high);
    const pastCap = backoffDelay(20, 3_600_000, high);
    const fractional = backoffDelay(1, 1_500.2, low);

    // Assess
    expect(shortRetryAfter).toBe(4_000);
    expect(longRetryAfter).toBe(30_000);
    expect(pastCap).toBe(3_600_000);
    expect(fractional).toBe(1_501);
  });

  it('spreads with the injected random within [half, whole] and returns whole milliseconds', () => {
    // Prepare
    const values = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999];

    // Act
    const delays = values.map((r) => backoffDelay(3, undefined, () => r));

    // Assess
    expect(delays).toEqual([2_000, 2_200, 2_500, 3_000, 3_500, 3_800, 3_998]);
    for (const delay of delays) {
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
  });

  it('uses Math.random by default, staying in range', () => {
    // Act
    const delays = Array.from({ length: 200 }, () => backoffDelay(2));

    // Assess
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2_000);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});
