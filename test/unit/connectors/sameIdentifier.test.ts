import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameIdentifier } from '../../../lib/connector-sdk/sameIdentifier.js';

describe('sameIdentifier', () => {
  it('compares ASCII letters case-insensitively and everything else exactly', () => {
    expect(sameIdentifier('Kate.Smith@Example.COM', 'kate.smith@example.com')).toBe(true);
    expect(sameIdentifier('kate@example.com', 'kate@example.com')).toBe(true);
  });

  it('never folds what apps fold onto another person: Unicode case, compatibility forms, accents, spaces', () => {
    const kate = 'kate@example.com';
    expect(
      [
        '\u212Aate@example.com', // KELVIN SIGN: JavaScript lowercases it to "k"
        '\uFF4Bate@example.com', // FULLWIDTH "ｋ": NFKC makes it "k"
        'kate@example.com ', // trimmed by many apps
        'ka\u0301te@example.com', // a combining accent
      ].map((lookAlike) => sameIdentifier(lookAlike, kate)),
    ).toEqual([false, false, false, false]);
    expect(sameIdentifier('\u0130', 'i')).toBe(false);
    expect(sameIdentifier('caf\u00E9', 'cafe\u0301')).toBe(false);
  });

  it('is reflexive and symmetric, and holds across ASCII case changes (the seed is the run\'s FUZZ_SEED)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(sameIdentifier(a, a)).toBe(true);
        expect(sameIdentifier(a, b)).toBe(sameIdentifier(b, a));
        const asciiUpper = a.replace(/[a-z]/g, (letter) => letter.toUpperCase());
        expect(sameIdentifier(a, asciiUpper)).toBe(true);
        // Whatever else differs, nothing but ASCII case is forgiven.
        const asciiLower = (value: string): string => value.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
        expect(sameIdentifier(a, b)).toBe(asciiLower(a) === asciiLower(b));
      }),
    );
  });
});
