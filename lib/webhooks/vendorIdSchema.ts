import * as z from 'zod';

/**
 * A vendor's identifier for an employee, event or company. Some send numbers (BambooHR's legacy
 * payloads, HiBob's companyId), most send strings; Perimeter keeps every id as a non-empty string.
 */
export const vendorIdSchema = z
  .union([z.string(), z.number().int().nonnegative()], {
    error: (issue) => (issue.input === undefined ? 'required' : 'expected a string or integer id'),
  })
  .transform((value) => String(value).trim())
  .pipe(z.string().min(1, 'expected a non-empty id').max(256));
