import { describe, expect, it } from 'vitest';
import { canonicalUserName } from '../../../../lib/directory/identifiers/canonicalUserName.js';
import { confusableSkeleton } from '../../../../lib/directory/identifiers/confusableSkeleton.js';
import { identifierKeys } from '../../../../lib/directory/identifiers/identifierKeys.js';

const value = (raw: string): string | undefined => {
  const result = canonicalUserName(raw);
  return result.ok ? result.value : undefined;
};
const rule = (raw: string): string | undefined => {
  const result = canonicalUserName(raw);
  return result.ok ? undefined : result.rule;
};

describe('canonicalUserName (RFC 8265 UsernameCaseMapped)', () => {
  it('accepts the valid examples of RFC 8265 §3.5 and enforces them to their canonical form', () => {
    // Assess: examples 1–7, with the case mapping of the profile (Σ becomes σ)
    expect(['juliet@example.com', 'fussball', 'fußball', 'π', 'Σ', 'σ', 'ς'].map(value)).toEqual(['juliet@example.com', 'fussball', 'fußball', 'π', 'σ', 'σ', 'ς']);
  });

  it('refuses the invalid examples of RFC 8265 §3.5: empty, a compatibility numeral, a symbol', () => {
    // Example 8 ("foo bar") is valid here: §3.5 lets an application apply the profile per space-separated userpart.
    expect(['', 'henry\u2163', '\u265A'].map(rule)).toEqual(['empty', 'compatibility', 'disallowed']);
    expect(value('Foo Bar')).toBe('foo bar');
  });

  it('maps fullwidth and halfwidth forms to their decomposition and lower-cases, so they are the same name', () => {
    expect(value('\uFF2A\uFF41\uFF4E\uFF45@example.com')).toBe('jane@example.com');
    expect(value('\uFF76\uFF9E')).toBe('\u30AC'); // halfwidth ka + voiced mark: NFC composes ガ
    expect(value('jane\u3000doe')).toBe('jane doe'); // the ideographic space is a fullwidth space
  });

  it('compares canonically equivalent spellings as one', () => {
    expect(value('A\u030Asa')).toBe(value('\u00C5SA'));
  });

  it.each([
    ['zero-width space', 'ja\u200Bne', 'ignorable', 'U+200B'],
    ['soft hyphen', 'ja\u00ADne', 'ignorable', 'U+00AD'],
    ['zero-width joiner', 'ja\u200Dne', 'ignorable', 'U+200D'],
    ['byte-order mark', '\uFEFFjane', 'ignorable', 'U+FEFF'],
    ['NUL', 'ja\u0000ne', 'control', 'U+0000'],
    ['line feed', 'jane\n', 'control', 'U+000A'],
    ['mathematical bold letters', '\u{1D423}\u{1D41A}\u{1D427}\u{1D41E}', 'compatibility', 'U+1D423'],
    ['an unassigned code point', 'jane\u{E0080}', 'unassigned', 'U+E0080'],
    ['a noncharacter', 'jane\uFFFF', 'ignorable', 'U+FFFF'],
    ['a non-ASCII symbol', 'jane\u2665', 'disallowed', 'U+2665'],
    ['a non-ASCII space', 'jane\u00A0doe', 'compatibility', 'U+00A0'],
    ['Arabic tatweel (RFC 5892 §2.6)', 'ja\u0640ne', 'disallowed', 'U+0640'],
  ])('refuses %s, naming the code point without echoing it', (_name, raw, expectedRule, codePoint) => {
    const result = canonicalUserName(raw);
    expect(result).toMatchObject({ ok: false, rule: expectedRule });
    const detail = result.ok ? '' : result.detail;
    expect(detail).toContain(codePoint);
    expect(/[\p{Cc}\p{Cf}]/u.test(detail)).toBe(false);
  });

  it('applies the Bidi Rule to right-to-left text (RFC 8265 §3.3.3 step 5, RFC 5893 §2)', () => {
    // Hebrew and Arabic names, one ending in a digit, and Hebrew beside a Latin userpart: valid
    expect(['\u05E9\u05DC\u05D5\u05DD', '\u0645\u062D\u0645\u062F', '\u05E9\u05DC\u05D5\u05DD2', 'dana \u05E9\u05DC\u05D5\u05DD'].map(rule)).toEqual([undefined, undefined, undefined, undefined]);
    // Latin then Hebrew in one userpart; a leading digit; Hebrew then a Latin domain
    expect(['abc\u05E9\u05DC\u05D5\u05DD', '1\u05E9\u05DC\u05D5\u05DD', '\u05E9\u05DC\u05D5\u05DD@example.com'].map(rule)).toEqual(['directionality', 'directionality', 'directionality']);
  });

  it.each([' jane', 'jane ', 'jane  doe', '\u3000jane'])('refuses a leading, trailing or doubled space: %j', (raw) => {
    expect(rule(raw)).toBe('spaces');
  });
});

describe('confusableSkeleton (UTS #39)', () => {
  const skeleton = (raw: string): string => confusableSkeleton(value(raw) ?? raw);

  it('gives a Latin name and its look-alikes one skeleton', () => {
    // Cyrillic а (U+0430) and о (U+043E), digit zero for o, "rn" for "m", Greek ο (U+03BF)
    const lookalikes = ['j\u0430ne.doe@example.com', 'jane.d0e@example.com', 'jane.d\u03BFe@example.com', 'jane.doe@exarnple.com', 'JANE.DOE@example.com'];
    expect(new Set(lookalikes.map(skeleton))).toEqual(new Set([skeleton('jane.doe@example.com')]));
  });

  it('keeps different names apart', () => {
    expect(skeleton('jane.doe@example.com')).not.toBe(skeleton('john.doe@example.com'));
  });

  it('is stable: the skeleton of a skeleton is itself', () => {
    for (const raw of ['paypal', 'p\u0430yp\u0430l', 'b0b', 'rnarn', 'σς']) expect(confusableSkeleton(skeleton(raw))).toBe(skeleton(raw));
  });

  it('keys a refused value by its old NFC lower-case form, so values stored before the rules still find themselves', () => {
    expect(identifierKeys.userName('Ja\u0000NE')).toBe('ja\u0000ne');
    expect(identifierKeys.userName('\uFF2Aane')).toBe('jane');
  });
});
