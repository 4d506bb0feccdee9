import { describe, expect, it } from 'vitest';
import { randomPassword } from '../../../lib/connector-sdk/randomPassword.js';

describe('randomPassword', () => {
  it('holds every character class, printable ASCII only, and never repeats', () => {
    // Act
    const passwords = Array.from({ length: 200 }, () => randomPassword());

    // Assess
    for (const password of passwords) {
      expect(password).toMatch(/^[\x21-\x7e]{32}$/);
      for (const characterClass of [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z\d]/]) expect(password).toMatch(characterClass);
    }
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it('keeps the classes in short passwords too and refuses lengths vendors reject', () => {
    // Act
    const short = Array.from({ length: 50 }, () => randomPassword(8));

    // Assess
    for (const password of short) expect([/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z\d]/].every((c) => c.test(password))).toBe(true);
    expect(() => randomPassword(7)).toThrow(RangeError);
    expect(() => randomPassword(101)).toThrow(RangeError);
  });
});
