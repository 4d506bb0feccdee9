import * as z from 'zod';
import { InvalidCursorError } from '../../audit/InvalidCursorError.js';

const cursorSchema = z.object({ day: z.number().int().min(0).optional(), key: z.record(z.string(), z.unknown()).optional() }).strict();
export type Cursor = z.infer<typeof cursorSchema>;

/** Opaque to clients: base64url JSON of where the next page starts. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** A cursor this store did not issue is a client error, never a crash or a scan from the start. */
export function decodeCursor(value: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
  } catch (error) {
    throw new InvalidCursorError('The cursor is not one this API issued', { cause: error });
  }
}
