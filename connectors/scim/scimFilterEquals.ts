/**
 * `attribute eq "value"` with the value written as a JSON string, which is what RFC 7644 §3.4.2.2
 * says a filter's string literal is: a quote or backslash in a userName cannot end the literal early.
 */
export function scimFilterEquals(attribute: string, value: string): string {
  return `${attribute} eq ${JSON.stringify(value)}`;
}
