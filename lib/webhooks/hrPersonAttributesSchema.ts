import * as z from 'zod';
import { isCalendarDate } from './isCalendarDate.js';
import { isTimeZone } from './isTimeZone.js';

const text = z.string().max(1024).optional();

/**
 * Perimeter's person attributes as a sender of a Perimeter-defined payload (the `standard` and
 * `workday` sources) writes them: every attribute optional, every value a string. Unknown keys are
 * dropped rather than rejected, so a sender can add fields before Perimeter reads them.
 */
export const hrPersonAttributesSchema = z.object({
  workEmail: text,
  givenName: text,
  familyName: text,
  displayName: text,
  title: text,
  department: text,
  division: text,
  location: text,
  employmentType: text,
  employeeNumber: text,
  managerEmployeeId: text,
  managerEmail: text,
  /** IANA time zone of the person's work location; a date-only effective date ends in it. */
  timezone: z.string().max(64).refine(isTimeZone, 'expected an IANA time zone such as Europe/Berlin').optional(),
  startDate: z.string().refine(isCalendarDate, 'expected a YYYY-MM-DD date').optional(),
});
