/** Whether the runtime knows this IANA time zone (an HR system's typo must not move a leaver's day). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
