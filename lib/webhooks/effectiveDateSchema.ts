import * as z from 'zod';
import { isCalendarDate } from './isCalendarDate.js';
import { isoInstantSchema } from './isoInstantSchema.js';

/**
 * When an HR change takes effect, as the vendor states it: a calendar date (`2025-07-31`) is kept as
 * that date, because HR systems mean a day in the company's own time zone and inventing a UTC
 * midnight would move it; a date-time is normalised to a UTC instant. Both are ISO 8601.
 */
export const effectiveDateSchema = z.string().transform((text, context) => {
  const trimmed = text.trim();
  if (isCalendarDate(trimmed)) return trimmed;
  const instant = isoInstantSchema.safeParse(trimmed);
  if (instant.success) return instant.data;
  context.addIssue({ code: 'custom', message: 'expected an ISO 8601 date or date-time' });
  return z.NEVER;
});
