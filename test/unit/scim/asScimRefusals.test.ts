import { describe, expect, it } from 'vitest';
import { DirectoryError } from '../../../lib/domain/DirectoryError.js';
import { asScimRefusals } from '../../../lib/scim/asScimRefusals.js';
import { isPinned } from '../../../lib/scim/isPinned.js';
import { isScimError } from '../../../lib/scim/scimError.js';
import { rejection } from '../../support/rejection.js';

const key = { type: 'User', id: 'u1' } as const;

async function refusedAs(code: DirectoryError['code']): Promise<{ status: number; scimType?: string }> {
  const error = await rejection(
    asScimRefusals(key, async () => {
      throw new DirectoryError(code, 'refused');
    }),
    Error,
  );
  expect(isScimError(error)).toBe(true);
  return error as unknown as { status: number; scimType?: string };
}

describe('asScimRefusals', () => {
  it('maps a pinned version that changed to 412, a taken userName to 409 uniqueness, an unknown one to 404', async () => {
    expect(await refusedAs('versionMismatch')).toMatchObject({ status: 412 });
    expect(await refusedAs('uniqueness')).toMatchObject({ status: 409, scimType: 'uniqueness' });
    expect(await refusedAs('notFound')).toMatchObject({ status: 404 });
  });

  it('passes every other error on as it is', async () => {
    const error = new Error('store down');
    expect(await rejection(asScimRefusals(key, async () => Promise.reject(error)), Error)).toBe(error);
  });
});

describe('isPinned', () => {
  it('treats named versions as pinned and * or no header as not', () => {
    expect(isPinned('W/"1"')).toBe(true);
    expect(isPinned(' * ')).toBe(false);
    expect(isPinned(undefined)).toBe(false);
  });
});
