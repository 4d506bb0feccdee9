/** The message of a JSON API error body (`{"error":{"message"}}`), or the start of whatever came instead. */
export function apiErrorMessage(text: string): string {
  try {
    return String((JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text.slice(0, 200));
  } catch {
    return text.slice(0, 200);
  }
}
