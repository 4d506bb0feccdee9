import { describe, expect, it } from 'vitest';
import { decodePathSegments } from '../../../lib/http/decodePathSegments.js';
import { HttpError } from '../../../lib/http/HttpError.js';
import { thrown } from '../../support/thrown.js';

describe('decodePathSegments', () => {
  it('splits on slashes, drops empty segments and percent-decodes each (an encoded slash stays inside its segment)', () => {
    expect(decodePathSegments('/persons//a%2Fb/access/%C3%A9')).toEqual(['persons', 'a/b', 'access', 'é']);
  });

  it('refuses malformed percent-encoding as a 400, keeping the URIError as the cause', () => {
    const error = thrown(() => decodePathSegments('/persons/%E0%A4%A'));

    expect(error).toBeInstanceOf(HttpError);
    expect([(error as HttpError).statusCode, (error as Error).cause]).toEqual([400, expect.any(URIError)]);
  });
});
