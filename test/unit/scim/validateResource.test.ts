import { describe, expect, it } from 'vitest';
import { parseMembers, validateResource } from '../../../lib/scim/validateResource.js';
import { thrown } from '../../support/thrown.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';


describe('validateResource', () => {
  it('keeps the client-writable attributes of a user, coerced by the schema', () => {
    // Act
    const { attributes, members } = validateResource('User', {
      schemas: [USER, ENTERPRISE],
      userName: 'jo@example.com',
      externalId: 'ext-1',
      name: { givenName: 'Jo' },
      emails: [{ type: 'work', value: 'jo@work.example', primary: true }],
      [ENTERPRISE]: { department: 'Sales' },
    });

    // Assess
    expect(attributes).toEqual({
      userName: 'jo@example.com',
      externalId: 'ext-1',
      name: { givenName: 'Jo' },
      emails: [{ type: 'work', value: 'jo@work.example', primary: true }],
      [ENTERPRISE]: { department: 'Sales' },
      active: true,
    });
    expect(members).toBeUndefined();
  });

  it('never keeps a password, nor server-owned id, meta, groups or schemas', () => {
    // Act
    const { attributes } = validateResource('User', {
      schemas: [USER],
      id: 'client-chosen',
      userName: 'jo@example.com',
      password: 'hunter2-Secret!',
      groups: [{ value: 'g1' }],
      meta: { version: 'W/"9"' },
    });

    // Assess
    expect(attributes).toEqual({ userName: 'jo@example.com', active: true });
    expect(JSON.stringify(attributes)).not.toContain('hunter2');
  });

  it('defaults active to true but keeps an explicit false', () => {
    // Act
    const defaulted = validateResource('User', { userName: 'a@example.com' });
    const inactive = validateResource('User', { userName: 'a@example.com', active: false });

    // Assess
    expect(defaulted.attributes.active).toBe(true);
    expect(inactive.attributes.active).toBe(false);
  });

  it('reads the "True"/"False" strings Entra ID sends as booleans, also inside complex values', () => {
    // Act
    const { attributes } = validateResource('User', {
      userName: 'a@example.com',
      active: 'False',
      emails: [{ value: 'a@work.example', primary: 'True' }],
    });

    // Assess
    expect(attributes.active).toBe(false);
    expect(attributes.emails).toEqual([{ value: 'a@work.example', primary: true }]);
  });

  it('drops null elements of multi-valued attributes, as unassigned values', () => {
    // Act
    const { attributes } = validateResource('User', { schemas: [USER], userName: 'a@example.com', emails: [null, { value: 'a@work.example' }], addresses: [null] });

    // Assess
    expect([attributes.emails, attributes.addresses]).toEqual([[{ value: 'a@work.example' }], []]);
  });

  it('takes the enterprise manager as a bare id', () => {
    // Act
    const { attributes } = validateResource('User', { userName: 'a@example.com', [ENTERPRISE]: { manager: 'boss-1' } });

    // Assess
    expect(attributes[ENTERPRISE]).toEqual({ manager: { value: 'boss-1' } });
  });

  it.each([
    ['no userName', { displayName: 'X' }],
    ['an empty userName', { userName: '' }],
    ['a blank userName', { userName: ' \t ' }],
    ['a number as userName', { userName: 7 }],
    ['a boolean string that is neither true nor false', { userName: 'a@example.com', active: 'yes' }],
    ['a string for a complex attribute', { userName: 'a@example.com', name: 'Jo Doe' }],
    ['a string for a multi-valued attribute', { userName: 'a@example.com', emails: 'a@work.example' }],
    // Storage keys hold them (the userName claim, the externalId index): a DynamoDB key is at most 2048 bytes.
    ['a userName over 256 characters', { userName: `${'a'.repeat(245)}@example.com` }],
    ['an externalId over 512 characters', { userName: 'a@example.com', externalId: 'x'.repeat(513) }],
    // One item holds the attributes plus the change's before and after snapshots: at most 400 KB.
    ['attributes over 100 KB', { userName: 'a@example.com', displayName: 'x'.repeat(100 * 1024) }],
  ])('rejects a user with %s with 400 invalidValue', (_name, body) => {
    // Act
    const error = thrown(() => validateResource('User', { schemas: [USER], ...body }));

    // Assess
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });

  it.each([
    ['a zero-width space', 'ann\u200B@example.com', "Attribute 'userName' contains an invisible (default-ignorable) code point, U+200B"],
    ['mathematical bold letters', '\u{1D41A}nn@example.com', "Attribute 'userName' contains a compatibility character (a styled or composed form of another character), U+1D41A"],
    ['a trailing space', 'ann@example.com ', "Attribute 'userName' must not start or end with a space, nor hold two spaces in a row"],
  ])('rejects a userName with %s as RFC 8265 says, naming the rule', (_name, userName, detail) => {
    // Act
    const error = thrown(() => validateResource('User', { schemas: [USER], userName }));

    // Assess
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue', message: detail });
  });

  it.each([
    ['null', null],
    ['an array', [{ userName: 'a@example.com' }]],
    ['a string', 'a@example.com'],
    ['a number', 3],
  ])('rejects %s as body with 400 invalidSyntax', (_name, body) => {
    // Act
    const error = thrown(() => validateResource('User', body));

    // Assess
    expect(error).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
  });

  it('validates a group: displayName required, members returned apart from the attributes', () => {
    // Act
    const valid = validateResource('Group', { schemas: [GROUP], displayName: 'Eng', members: [{ value: 'u1', type: 'User' }, { value: 'u2' }] });
    const missing = thrown(() => validateResource('Group', { schemas: [GROUP], members: [] }));

    // Assess
    expect(valid).toEqual({ attributes: { displayName: 'Eng' }, members: [{ value: 'u1', type: 'User' }, { value: 'u2' }] });
    expect(missing).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });
});

describe('parseMembers', () => {
  it('de-duplicates members by value and keeps their type', () => {
    // Act
    const members = parseMembers([{ value: 'u1', type: 'User' }, { value: 'g1', type: 'Group' }, { value: 'u1' }]);

    // Assess
    expect(members).toEqual([{ value: 'u1' }, { value: 'g1', type: 'Group' }]);
  });

  it.each([
    ['a non-list', { value: 'u1' }],
    ['a member without value', [{ display: 'One' }]],
    ['a member with an empty value', [{ value: ' ' }]],
    ['a member that is not an object', ['u1']],
  ])('rejects %s with 400 invalidValue', (_name, value) => {
    // Act
    const error = thrown(() => parseMembers(value));

    // Assess
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });
});
