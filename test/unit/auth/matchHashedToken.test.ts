import { timingSafeEqual } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { HashedToken } from '../../../lib/auth/HashedToken.js';
import { hashToken } from '../../../lib/auth/hashToken.js';
import { matchHashedToken } from '../../../lib/auth/matchHashedToken.js';

vi.mock('node:crypto', async (importOriginal) => {
  // eslint-disable-next-line @typescript-eslint/consistent-type-imports -- vitest's documented way to type the original module
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const NOW = new Date('2025-06-01T12:00:00.000Z');
const OKTA = 'prm_scim_okta_0123456789abcdef';
const ENTRA = 'prm_scim_entra_0123456789abcdef';

describe('matchHashedToken', () => {
  beforeEach(() => {
    vi.mocked(timingSafeEqual).mockClear();
  });

  it('finds the token by its SHA-256 digest and returns only its label', () => {
    // Prepare
    const candidates: HashedToken[] = [
      { label: 'okta', sha256: hashToken(OKTA) },
      { label: 'entra', sha256: hashToken(ENTRA) },
    ];

    // Act
    const okta = matchHashedToken(OKTA, candidates, NOW);
    const entra = matchHashedToken(ENTRA, candidates, NOW);

    // Assess
    expect(okta).toEqual({ label: 'okta' });
    expect(entra).toEqual({ label: 'entra' });
  });

  it.each([
    ['a wrong token', 'prm_scim_wrong_0123456789abcdef'],
    ['a prefix of a valid token', OKTA.slice(0, -1)],
    ['a valid token with a suffix', `${OKTA}x`],
    ['the stored digest itself', hashToken(OKTA)],
    ['an empty token', ''],
  ])('refuses %s', (_name, token) => {
    // Act
    const identity = matchHashedToken(token, [{ label: 'okta', sha256: hashToken(OKTA) }], NOW);

    // Assess
    expect(identity).toBeUndefined();
  });

  it('compares with timingSafeEqual against every candidate, even after a match', () => {
    // Prepare
    const candidates: HashedToken[] = [
      { label: 'okta', sha256: hashToken(OKTA) },
      { label: 'entra', sha256: hashToken(ENTRA) },
      { label: 'spare', sha256: hashToken('prm_scim_spare_0123456789abcdef') },
    ];

    // Act
    const identity = matchHashedToken(OKTA, candidates, NOW);

    // Assess
    expect(identity).toEqual({ label: 'okta' });
    expect(timingSafeEqual).toHaveBeenCalledTimes(3);
    for (const [a, b] of vi.mocked(timingSafeEqual).mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });

  it('ignores a malformed stored digest instead of failing', () => {
    // Prepare
    const candidates: HashedToken[] = [
      { label: 'broken', sha256: 'not-hex' },
      { label: 'short', sha256: hashToken(OKTA).slice(0, 32) },
      { label: 'okta', sha256: hashToken(OKTA).toUpperCase() },
    ];

    // Act
    const identity = matchHashedToken(OKTA, candidates, NOW);

    // Assess
    expect(identity).toEqual({ label: 'okta' });
  });

  it('refuses a token after its notAfter, and accepts it before', () => {
    // Prepare
    const candidates: HashedToken[] = [{ label: 'old', sha256: hashToken(OKTA), notAfter: '2025-06-01T12:00:00.000Z' }];

    // Act
    const before = matchHashedToken(OKTA, candidates, new Date('2025-06-01T11:59:59.999Z'));
    const atExpiry = matchHashedToken(OKTA, candidates, NOW);
    const after = matchHashedToken(OKTA, candidates, new Date('2025-06-02T00:00:00.000Z'));

    // Assess
    expect(before).toEqual({ label: 'old' });
    expect(atExpiry).toBeUndefined();
    expect(after).toBeUndefined();
  });

  it('accepts the old and the new token during a rotation overlap, then only the new one', () => {
    // Prepare
    const candidates: HashedToken[] = [
      { label: 'okta-2025-05', sha256: hashToken(OKTA), notAfter: '2025-06-02T00:00:00.000Z' },
      { label: 'okta-2025-06', sha256: hashToken(ENTRA) },
    ];
    const later = new Date('2025-06-03T00:00:00.000Z');

    // Act
    const during = [matchHashedToken(OKTA, candidates, NOW), matchHashedToken(ENTRA, candidates, NOW)];
    const afterwards = [matchHashedToken(OKTA, candidates, later), matchHashedToken(ENTRA, candidates, later)];

    // Assess
    expect(during).toEqual([{ label: 'okta-2025-05' }, { label: 'okta-2025-06' }]);
    expect(afterwards).toEqual([undefined, { label: 'okta-2025-06' }]);
  });

  it('uses the first current entry when the same token is listed twice', () => {
    // Prepare
    const candidates: HashedToken[] = [
      { label: 'expired', sha256: hashToken(OKTA), notAfter: '2025-01-01T00:00:00.000Z' },
      { label: 'current', sha256: hashToken(OKTA) },
      { label: 'duplicate', sha256: hashToken(OKTA) },
    ];

    // Act
    const identity = matchHashedToken(OKTA, candidates, NOW);

    // Assess
    expect(identity).toEqual({ label: 'current' });
  });

  it('refuses everything when no token is configured', () => {
    // Act
    const identity = matchHashedToken(OKTA, [], NOW);

    // Assess
    expect(identity).toBeUndefined();
  });
});
