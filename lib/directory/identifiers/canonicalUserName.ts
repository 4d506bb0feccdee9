import { satisfiesDirectionalityRule } from './directionalityRule.js';
import { identifierClass, type IdentifierClassRefusal } from './identifierClass.js';
import { widthMapping } from './widthMapping.js';

/** The rule a refused identifier breaks. */
export type IdentifierRule = 'empty' | 'spaces' | 'directionality' | IdentifierClassRefusal;

export type CanonicalUserName =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly rule: IdentifierRule; readonly detail: string };

const RULE_TEXT: Readonly<Record<IdentifierClassRefusal, string>> = {
  unassigned: 'an unassigned code point',
  control: 'a control character',
  ignorable: 'an invisible (default-ignorable) code point',
  compatibility: 'a compatibility character (a styled or composed form of another character)',
  disallowed: 'a character not allowed in identifiers (a symbol, punctuation or space outside ASCII)',
};

/**
 * RFC 8265 §3.3 UsernameCaseMapped, applied to each space-separated userpart as RFC 8265 §3.5
 * allows, so "Jane Doe" (sent by some identity providers) stays a valid userName while a leading,
 * trailing or doubled space is refused. The value returned is the enforced form (§3.3.3): width
 * mapped, lower-cased (Unicode toLowerCase, RFC 8264 §5.2.3) and NFC-normalised (§5.2.4); two
 * userNames are the same exactly when their canonical forms are equal. A refusal names the rule
 * and the code point as U+XXXX, never the raw character (it may be a control character).
 * Look-alikes that the profile accepts are confusableSkeleton's concern.
 */
export function canonicalUserName(raw: string): CanonicalUserName {
  // Preparation (§3.3.2): width mapping first, so an ideographic space counts as a space.
  const mapped = widthMapping(raw);
  if (mapped === '') return refuse('empty', 'must not be empty');
  const parts = mapped.split(' ');
  if (parts.some((part) => part === '')) return refuse('spaces', 'must not start or end with a space, nor hold two spaces in a row');
  const prepared = check(mapped);
  if (prepared) return prepared;
  // Enforcement (§3.3.3): case mapping, then normalisation; the result must still be in the class.
  const enforced = parts.map((part) => part.toLowerCase().normalize('NFC'));
  const value = enforced.join(' ');
  const refused = check(value);
  if (refused) return refused;
  // Step 5, per userpart as the rest of the profile.
  if (!enforced.every(satisfiesDirectionalityRule)) {
    return refuse('directionality', 'mixes right-to-left and left-to-right text in an order the Bidi Rule (RFC 5893) refuses');
  }
  return { ok: true, value };
}

function check(text: string): CanonicalUserName | undefined {
  for (const symbol of text) {
    if (symbol === ' ') continue;
    const refusal = identifierClass(symbol);
    if (refusal) return refuse(refusal, `contains ${RULE_TEXT[refusal]}, ${codePointName(symbol)}`);
  }
  return undefined;
}

function refuse(rule: IdentifierRule, detail: string): CanonicalUserName {
  return { ok: false, rule, detail };
}

function codePointName(symbol: string): string {
  return `U+${(symbol.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
