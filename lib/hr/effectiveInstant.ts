import { TZDate } from '@date-fns/tz';
import { isTimeZone } from '../webhooks/isTimeZone.js';

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The instant (epoch ms) an HR effective date takes effect. A date-time is that instant. A date
 * alone means the person works the whole of that day, so it takes effect at the end of the day in
 * the person's time zone (the next local midnight, DST included), or in UTC when the HR system gives
 * no time zone Perimeter knows. NaN when the text is neither.
 */
export function effectiveInstant(effectiveAt: string, timeZone: string | undefined): number {
  const date = CALENDAR_DATE.exec(effectiveAt);
  if (!date) return Date.parse(effectiveAt);
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const zone = timeZone !== undefined && isTimeZone(timeZone) ? timeZone : 'UTC';
  return new TZDate(year, month - 1, day + 1, 0, 0, 0, 0, zone).getTime();
}
