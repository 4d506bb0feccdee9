import { describe, expect, it } from 'vitest';
import { requestUrl } from '../../../local/requestUrl.js';

describe('requestUrl', () => {
  it('reads a target that starts with // as a path, never as a host', () => {
    expect(requestUrl({ url: '//' })?.pathname).toBe('//');
    expect(requestUrl({ url: '//admin/persons' })).toMatchObject({ host: 'localhost', pathname: '//admin/persons' });
  });

  it('keeps the path and query of an ordinary target', () => {
    expect(requestUrl({ url: '/scim/v2/Users?filter=x' })).toMatchObject({ pathname: '/scim/v2/Users', search: '?filter=x' });
    expect(requestUrl({ url: undefined })?.pathname).toBe('/');
  });

  it('refuses a target that is not a path (absolute form, asterisk)', () => {
    expect(requestUrl({ url: '*' })).toBeUndefined();
    expect(requestUrl({ url: 'http://elsewhere.example/admin' })).toBeUndefined();
  });
});
