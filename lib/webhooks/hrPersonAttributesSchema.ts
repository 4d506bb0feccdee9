import * as z from 'zod';
import { isCalendarDate } from './isCalendarDate.js';

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
  startDate: z.string().refine(isCalendarDate, 'expected a YYYY-MM-DD date').optional(),
});
