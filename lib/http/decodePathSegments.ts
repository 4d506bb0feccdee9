import { HttpError } from './HttpError.js';

/**
 * The non-empty segments of a request path, percent-decoded. Malformed percent-encoding ("%E0%A4%A")
 * is the caller's mistake, a 400, not the URIError decodeURIComponent throws (which would be a 500).
 */
export function decodePathSegments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch (error) {
        throw new HttpError(400, 'Malformed percent-encoding in the request path', {}, { cause: error });
      }
    });
}
