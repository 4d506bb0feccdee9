import { describe, expect, it } from 'vitest';
import { checkIfMatch, matchesIfNoneMatch } from '../../../lib/scim/checkIfMatch.js';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('checkIfMatch', () => {
  it.each([
    ['no header', undefined],
    ['*', '*'],
    [' * ', ' * '],
    ['the current weak tag', 'W/"3"'],
    ['the current tag without W/ (weak comparison)', '"3"'],
    ['a lower-case w/', 'w/"3"'],
    ['a list holding the current tag', 'W/"1", W/"3"'],
  ])('passes with %s', (_name, ifMatch) => {
    // Act
    const error = thrown(() => checkIfMatch(3, ifMatch));

    // Assess
    expect(error).toBeUndefined();
  });

  it.each([
    ['an older version', 'W/"2"'],
    ['a newer version', 'W/"4"'],
    ['a list without the current tag', 'W/"1", W/"2"'],
    ['an unquoted version', '3'],
    ['an empty header', ''],
  ])('fails with 412 for %s', (_name, ifMatch) => {
    // Act
    const error = thrown(() => checkIfMatch(3, ifMatch));

    // Assess
    expect(error).toMatchObject({ status: 412 });
  });
});

describe('matchesIfNoneMatch', () => {
  it.each([
    [undefined, false],
    ['W/"3"', true],
    ['"3"', true],
    ['W/"2"', false],
    ['W/"2", W/"3"', true],
    ['*', true],
  ])('If-None-Match %j on version 3 → %s', (ifNoneMatch, expected) => {
    // Act
    const matched = matchesIfNoneMatch(3, ifNoneMatch);

    // Assess
    expect(matched).toBe(expected);
  });
});
