/**
 * Whether two account identifiers (userNames, emails, logins, userPrincipalNames) are the same by
 * the rule connectors correlate accounts with: equal code point for code point, with only the ASCII
 * letters A-Z compared case-insensitively (the case rule of email domains and of the vendors'
 * userNames). No trimming, no Unicode normalisation and no full Unicode case mapping: "\u212Aate"
 * (KELVIN SIGN) lowercases to "kate" in JavaScript, and NFKC maps "ｋate" to "kate", which is
 * exactly the folding that makes a look-alike collide with a real person in an app.
 */
export function sameIdentifier(a: string, b: string): boolean {
  return a.length === b.length && asciiLower(a) === asciiLower(b);
}

function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 32));
}
