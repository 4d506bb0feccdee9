/**
 * The message of an error thrown while applying a client's request, fit for a SCIM `detail`:
 * scimmy's own errors name the attribute and the problem; the runtime's ("Cannot read properties of
 * undefined", "x is not iterable") say nothing a client can use, so `fallback` is shown instead.
 */
export function safeErrorDetail(error: unknown, fallback: string): string {
  const message = error instanceof Error ? error.message : '';
  const runtime = message === '' || /cannot read prop|cannot set prop|is not a function|is not iterable|is not defined|of undefined|of null|trap returned|proxy|is not extensible/i.test(message);
  return runtime ? fallback : message;
}
