/**
 * A Unix time in whole seconds, as webhook timestamp headers carry it, or undefined. Only plain
 * digits are accepted (parseInt would read "1700000000abc" as a number), and at most 12 of them so the
 * value stays far inside the range a Date can hold.
 */
export function parseUnixSeconds(text: string): Date | undefined {
  if (!/^\d{1,12}$/.test(text)) return undefined;
  return new Date(Number(text) * 1000);
}
