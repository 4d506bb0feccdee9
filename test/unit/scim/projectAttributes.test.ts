import { describe, expect, it } from 'vitest';
import { parseProjection, projectAttributes, wantsAttribute } from '../../../lib/scim/projectAttributes.js';
import { thrown } from '../../support/thrown.js';

type Json = Record<string, unknown>;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const user = (): Json => ({
  schemas: [USER, ENTERPRISE],
  id: 'u1',
  externalId: 'ext-1',
  userName: 'jo@example.com',
  name: { givenName: 'Jo', familyName: 'Doe' },
  emails: [
    { type: 'work', value: 'jo@work.example', primary: true },
    { type: 'home', value: 'jo@home.example' },
  ],
  groups: [{ value: 'g1', display: 'Eng' }],
  [ENTERPRISE]: { department: 'Research', manager: { value: 'm1', displayName: 'Boss' } },
  meta: { resourceType: 'User', version: 'W/"2"', location: 'https://x/scim/v2/Users/u1' },
});


describe('parseProjection', () => {
  it('splits and trims the comma-separated lists', () => {
    // Act
    const projection = parseProjection('User', ' userName , name.givenName,,emails.value ', `${ENTERPRISE}:department`);

    // Assess
    expect(projection).toEqual({ attributes: ['userName', 'name.givenName', 'emails.value'], excludedAttributes: [`${ENTERPRISE}:department`] });
  });

  it('leaves out what was not given', () => {
    // Act
    const projection = parseProjection('User', undefined, undefined);

    // Assess
    expect(projection).toEqual({});
  });

  it('accepts whole extension URNs and URN-qualified core attributes', () => {
    // Act
    const projection = parseProjection('User', `${ENTERPRISE},urn:ietf:params:scim:schemas:core:2.0:User:userName`);

    // Assess
    expect(projection.attributes).toEqual([ENTERPRISE, 'urn:ietf:params:scim:schemas:core:2.0:User:userName']);
  });

  it.each([
    ['an unknown attribute', 'shoeSize', undefined],
    ['an unknown sub-attribute', 'name.nick', undefined],
    ['an unknown extension attribute', undefined, `${ENTERPRISE}:shoeSize`],
    ['a malformed path', 'name..givenName', undefined],
  ])('rejects %s with 400 invalidValue', (_name, attributes, excluded) => {
    // Act
    const error = thrown(() => parseProjection('User', attributes, excluded));

    // Assess
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });
});

describe('projectAttributes', () => {
  it('returns only the named attributes, plus schemas and id', () => {
    // Act
    const projected = projectAttributes('User', user(), { attributes: ['userName', 'externalId'] });

    // Assess
    expect(projected).toEqual({ schemas: [USER, ENTERPRISE], id: 'u1', userName: 'jo@example.com', externalId: 'ext-1' });
  });

  it('projects sub-attributes of single- and multi-valued complex attributes element by element', () => {
    // Act
    const projected = projectAttributes('User', user(), { attributes: ['name.familyName', 'emails.value', 'emails.type'] });

    // Assess
    expect(projected).toEqual({
      schemas: [USER, ENTERPRISE],
      id: 'u1',
      name: { familyName: 'Doe' },
      emails: [
        { value: 'jo@work.example', type: 'work' },
        { value: 'jo@home.example', type: 'home' },
      ],
    });
  });

  it('projects extension attributes by URN, and whole extensions', () => {
    // Act
    const one = projectAttributes('User', user(), { attributes: [`${ENTERPRISE}:manager.value`] });
    const whole = projectAttributes('User', user(), { attributes: [ENTERPRISE] });

    // Assess
    expect(one).toEqual({ schemas: [USER, ENTERPRISE], id: 'u1', [ENTERPRISE]: { manager: { value: 'm1' } } });
    expect(whole).toEqual({ schemas: [USER, ENTERPRISE], id: 'u1', [ENTERPRISE]: user()[ENTERPRISE] });
  });

  it('matches attribute names case-insensitively', () => {
    // Act
    const projected = projectAttributes('User', user(), { attributes: ['USERNAME', 'Name.GivenName'] });

    // Assess
    expect(projected).toEqual({ schemas: [USER, ENTERPRISE], id: 'u1', userName: 'jo@example.com', name: { givenName: 'Jo' } });
  });

  it('omits requested attributes the resource does not have', () => {
    // Act
    const projected = projectAttributes('User', { schemas: [USER], id: 'u2', userName: 'x' }, { attributes: ['title', 'name.givenName', `${ENTERPRISE}:department`] });

    // Assess
    expect(projected).toEqual({ schemas: [USER], id: 'u2' });
  });

  it('removes excluded attributes and sub-attributes, never id, without touching the input', () => {
    // Prepare
    const input = user();

    // Act
    const projected = projectAttributes('User', input, {
      excludedAttributes: ['id', 'name', 'emails.value', `${ENTERPRISE}:manager`, 'groups', 'meta'],
    });

    // Assess
    expect(projected).toEqual({
      schemas: [USER, ENTERPRISE],
      id: 'u1',
      externalId: 'ext-1',
      userName: 'jo@example.com',
      emails: [{ type: 'work', primary: true }, { type: 'home' }],
      [ENTERPRISE]: { department: 'Research' },
    });
    expect(input).toEqual(user());
  });

  it('removes a whole extension by URN', () => {
    // Act
    const projected = projectAttributes('User', user(), { excludedAttributes: [ENTERPRISE] });

    // Assess
    expect(projected).not.toHaveProperty(ENTERPRISE);
    expect(projected.userName).toBe('jo@example.com');
  });

  it('lets attributes win over excludedAttributes when both are given', () => {
    // Act
    const projected = projectAttributes('User', user(), { attributes: ['userName'], excludedAttributes: ['userName'] });

    // Assess
    expect(projected).toEqual({ schemas: [USER, ENTERPRISE], id: 'u1', userName: 'jo@example.com' });
  });

  it('returns the resource as it is without a projection', () => {
    // Prepare
    const input = user();

    // Act
    const projected = projectAttributes('User', input, {});

    // Assess
    expect(projected).toBe(input);
  });
});

describe('wantsAttribute', () => {
  it.each([
    [{}, true],
    [{ attributes: ['userName'] }, false],
    [{ attributes: ['groups.display'] }, true],
    [{ attributes: ['GROUPS'] }, true],
    [{ excludedAttributes: ['groups'] }, false],
    [{ attributes: ['urn:ietf:params:scim:schemas:core:2.0:User:groups.value'] }, true],
    [{ excludedAttributes: ['groups.display'] }, true],
    [{ excludedAttributes: ['urn:ietf:params:scim:schemas:core:2.0:User:Groups'] }, false],
    [{ excludedAttributes: ['userName'] }, true],
  ])('%j → %s for groups', (projection, expected) => {
    // Act
    const wanted = wantsAttribute(projection, 'groups');

    // Assess
    expect(wanted).toBe(expected);
  });
});
