import * as z from 'zod';
import { isCalendarDate } from './isCalendarDate.js';

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A vendor's event time, normalised to an ISO 8601 UTC instant. Vendors write these differently:
 * BambooHR `2026-01-31T18:42:00+0000`, HiBob `2025-01-08T13:06:26.915906` (no zone; HiBob documents
 * it as the time the event occurred and it is read as UTC), Personio RFC 3339. Anything else is a
 * payload error rather than a guess.
 */
export const isoInstantSchema = z.string().transform((text, context) => {
  const instant = toInstant(text.trim());
  if (instant !== undefined) return instant;
  context.addIssue({ code: 'custom', message: 'expected an ISO 8601 date-time' });
  return z.NEVER;
});

function toInstant(text: string): string | undefined {
  const match = DATE_TIME.exec(text);
  const date = match?.[1];
  const time = match?.[2];
  if (date === undefined || time === undefined || !isCalendarDate(date)) return undefined;
  const zone = match?.[3];
  const offset = zone === undefined || zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = Date.parse(`${date}T${time}${offset}`);
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}
