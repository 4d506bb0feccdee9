import { HttpError } from '../../lib/http/HttpError.js';

/** 405 with an Allow header for a method this endpoint does not serve. */
export function allowMethods(method: string, allowed: readonly string[]): void {
  if (!allowed.includes(method)) throw new HttpError(405, `Method ${method} is not allowed here`, { allow: allowed.join(', ') });
}
