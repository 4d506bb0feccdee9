import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import { toPersonSnapshot } from '../../../lib/directory/toPersonSnapshot.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const record = (attributes: Record<string, unknown>, extra: Partial<UserRecord> = {}): UserRecord => ({
  id: 'u1',
  userName: String(attributes.userName ?? 'jo@example.com'),
  active: attributes.active !== false,
  version: 1,
  created: '2024-01-01T00:00:00.000Z',
  lastModified: '2024-01-01T00:00:00.000Z',
  attributes,
  ...extra,
});

describe('toPersonSnapshot', () => {
  it('maps core and enterprise attributes onto the snapshot', () => {
    // Act
    const snapshot = toPersonSnapshot(
      record(
        {
          userName: 'jo@example.com',
          externalId: 'ext-1',
          active: true,
          displayName: 'Jo Doe',
          name: { givenName: 'Jo', familyName: 'Doe' },
          title: 'Engineer',
          userType: 'Employee',
          emails: [{ type: 'work', value: 'jo@work.example' }],
          addresses: [{ type: 'work', locality: 'Berlin', country: 'DE' }],
          phoneNumbers: [{ value: '+49 30 1234' }],
          [ENTERPRISE]: {
            department: 'Engineering',
            division: 'R&D',
            organization: 'Acme',
            costCenter: 'CC-1',
            employeeNumber: '42',
            manager: { value: 'boss-1', displayName: 'Boss' },
          },
        },
        { externalId: 'ext-1' },
      ),
    );

    // Assess
    expect(snapshot).toEqual({
      id: 'u1',
      userName: 'jo@example.com',
      externalId: 'ext-1',
      active: true,
      displayName: 'Jo Doe',
      givenName: 'Jo',
      familyName: 'Doe',
      email: 'jo@work.example',
      title: 'Engineer',
      userType: 'Employee',
      department: 'Engineering',
      division: 'R&D',
      organization: 'Acme',
      costCenter: 'CC-1',
      employeeNumber: '42',
      manager: 'boss-1',
      location: 'Berlin',
    });
  });

  it('leaves out what the user does not have, and never carries other attributes', () => {
    // Act
    const snapshot = toPersonSnapshot(record({ userName: 'min@example.com', active: false, title: '', nickName: 'Minnie' }));

    // Assess
    expect(snapshot).toEqual({ id: 'u1', userName: 'min@example.com', active: false });
  });

  it('picks the primary email, else the work email, else the first', () => {
    // Act
    const primary = toPersonSnapshot(
      record({ emails: [{ type: 'work', value: 'w@x' }, { type: 'home', value: 'h@x', primary: true }] }),
    );
    const work = toPersonSnapshot(record({ emails: [{ type: 'home', value: 'h@x' }, { type: 'work', value: 'w@x' }] }));
    const first = toPersonSnapshot(record({ emails: [{ type: 'home', value: 'h@x' }, { type: 'other', value: 'o@x' }] }));

    // Assess
    expect([primary.email, work.email, first.email]).toEqual(['h@x', 'w@x', 'h@x']);
  });

  it('takes the location from the locality, else the country, of the primary or work address', () => {
    // Act
    const locality = toPersonSnapshot(
      record({ addresses: [{ type: 'home', locality: 'Home Town' }, { type: 'work', locality: 'Paris', primary: true }] }),
    );
    const country = toPersonSnapshot(record({ addresses: [{ type: 'work', country: 'FR' }] }));

    // Assess
    expect(locality.location).toBe('Paris');
    expect(country.location).toBe('FR');
  });
});
