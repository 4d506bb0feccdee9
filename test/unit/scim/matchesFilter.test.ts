import { describe, expect, it } from 'vitest';
import { matchesFilter } from '../../../lib/scim/matchesFilter.js';
import { parseFilter } from '../../../lib/scim/parseFilter.js';
import type { ScimResourceType } from '../../../lib/scim/scimSchemas.js';

type Json = Record<string, unknown>;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const ada: Json = {
  schemas: [USER, ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'EXT-Ada',
  userName: 'Ada.Lovelace@Example.com',
  displayName: 'Ada Lovelace',
  title: 'Engineer',
  active: true,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [
    { type: 'work', value: 'ada@work.example', primary: true },
    { type: 'home', value: 'shared@home.example' },
  ],
  [ENTERPRISE]: { department: 'Engineering', manager: { value: 'boss-1' } },
  meta: { resourceType: 'User', created: '2024-03-01T09:00:00.000Z', lastModified: '2024-03-01T10:00:00.000Z', version: 'W/"3"' },
};

const sparse: Json = {
  schemas: [USER],
  id: 'b0b',
  userName: 'bob@example.com',
  title: '',
  active: 'False',
  name: {},
  emails: [],
  meta: { resourceType: 'User', created: '2024-03-02T09:00:00.000Z', lastModified: '2024-03-02T09:00:00.000Z' },
};

const matches = (resource: Json, expression: string, type: ScimResourceType = 'User'): boolean =>
  matchesFilter(type, resource, parseFilter(type, expression));

describe('matchesFilter', () => {
  describe('strings', () => {
    it.each([
      ['userName eq "ada.lovelace@example.com"', true],
      ['userName eq "ADA.LOVELACE@EXAMPLE.COM"', true],
      ['userName eq "ada"', false],
      // By canonical form (README "Identifiers"): fullwidth letters are the same name, look-alikes are not.
      ['userName eq "\uFF21DA.lovelace@example.com"', true],
      ['userName ne "\uFF21DA.lovelace@example.com"', false],
      ['userName eq "\u0430da.lovelace@example.com"', false],
      [`userName eq "${'a'.repeat(2000)}"`, false],
      ['userName ne "ADA.LOVELACE@example.com"', false],
      ['userName co "LOVELACE"', true],
      ['userName sw "ADA."', true],
      ['userName sw "lovelace"', false],
      ['userName ew "@EXAMPLE.COM"', true],
      ['userName gt "ACE"', true],
      ['userName gt "ADA.LOVELACE@EXAMPLE.COM"', false],
      ['userName ge "ADA.LOVELACE@EXAMPLE.COM"', true],
      ['userName lt "b"', true],
      ['userName le "ada.lovelace@example.com"', true],
      ['userName lt "ada.lovelace@example.com"', false],
      ['displayName co "love"', true],
    ])('%s → %s (userName and displayName are not caseExact)', (expression, expected) => {
      // Act
      const result = matches(ada, expression);

      // Assess
      expect(result).toBe(expected);
    });

    it.each([
      ['id eq "2819c223-7f76-453a-919d-413861904646"', true],
      ['id eq "2819C223-7F76-453A-919D-413861904646"', false],
      ['externalId eq "EXT-Ada"', true],
      ['externalId eq "ext-ada"', false],
      ['externalId sw "EXT"', true],
      ['externalId sw "ext"', false],
    ])('%s → %s (id and externalId are caseExact)', (expression, expected) => {
      // Act
      const result = matches(ada, expression);

      // Assess
      expect(result).toBe(expected);
    });
  });

  describe('presence and absence', () => {
    it.each([
      [ada, 'title pr', true],
      [sparse, 'title pr', false],
      [ada, 'nickName pr', false],
      [ada, 'emails pr', true],
      [sparse, 'emails pr', false],
      [ada, 'name pr', true],
      [sparse, 'name pr', false],
      [ada, `${ENTERPRISE}:manager pr`, true],
      [sparse, `${ENTERPRISE}:department pr`, false],
      [ada, 'meta pr', true],
    ])('%#: pr is true only for a non-empty value', (resource, expression, expected) => {
      // Act
      const result = matches(resource, expression);

      // Assess
      expect(result).toBe(expected);
    });

    it('treats ne as true when the attribute is absent', () => {
      // Act
      const absent = matches(ada, 'nickName ne "x"');
      const present = matches(ada, 'title ne "engineer"');

      // Assess
      expect(absent).toBe(true);
      expect(present).toBe(false);
    });

    it('answers false, never throws, for comparisons on an absent attribute', () => {
      // Act
      const results = ['nickName eq "x"', 'nickName gt "a"', 'nickName co "a"', 'meta.version gt "W"'].map((e) => matches(sparse, e));

      // Assess
      expect(results).toEqual([false, false, false, false]);
    });
  });

  describe('multi-valued attributes', () => {
    it('matches if any value matches, on the sub-attribute or on the attribute (its value)', () => {
      // Act
      const results = {
        subAttribute: matches(ada, 'emails.value eq "SHARED@home.example"'),
        attribute: matches(ada, 'emails co "work.example"'),
        type: matches(ada, 'emails.type eq "home"'),
        none: matches(ada, 'emails.value eq "nobody@example.com"'),
      };

      // Assess
      expect(results).toEqual({ subAttribute: true, attribute: true, type: true, none: false });
    });

    it('holds ne only when no value equals', () => {
      // Act
      const oneEquals = matches(ada, 'emails.type ne "work"');
      const noneEquals = matches(ada, 'emails.type ne "other"');

      // Assess
      expect(oneEquals).toBe(false);
      expect(noneEquals).toBe(true);
    });

    it('evaluates a value filter against each element on its own', () => {
      // Act
      const results = {
        sameElement: matches(ada, 'emails[type eq "work" and value co "ada"]'),
        splitAcrossElements: matches(ada, 'emails[type eq "home" and value co "ada"]'),
        primary: matches(ada, 'emails[primary eq true].value eq "ada@work.example"'),
        subAttributeOnOtherElement: matches(ada, 'emails[type eq "work"].value eq "shared@home.example"'),
        subAttributeOnSameElement: matches(ada, 'emails[type eq "home"].value eq "shared@home.example"'),
        orInside: matches(ada, 'emails[type eq "other" or type eq "HOME"].value ew "@home.example"'),
      };

      // Assess
      expect(results).toEqual({
        sameElement: true,
        splitAcrossElements: false,
        primary: true,
        subAttributeOnOtherElement: false,
        subAttributeOnSameElement: true,
        orInside: true,
      });
    });

    it('evaluates group member value filters', () => {
      // Prepare
      const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'Eng', members: [{ value: 'u1', type: 'User' }] };

      // Act
      const results = [
        matches(group, 'members[value eq "u1" and type eq "User"]', 'Group'),
        matches(group, 'members[value eq "u1" and type eq "Group"]', 'Group'),
        matches(group, 'members.value eq "u1" and displayName eq "eng"', 'Group'),
      ];

      // Assess
      expect(results).toEqual([true, false, true]);
    });
  });

  describe('logic', () => {
    it('applies not to the whole group and binds and tighter than or', () => {
      // Act
      const results = {
        notGroup: matches(ada, 'not (title eq "x" or active eq true)'),
        notGroupNeither: matches(ada, 'not (title eq "x" or active eq false)'),
        ungrouped: matches(ada, 'title eq "engineer" or title eq "x" and active eq false'),
        grouped: matches(ada, '(title eq "engineer" or title eq "x") and active eq false'),
        notBindsTightly: matches(ada, 'not title eq "x" and active eq true'),
      };

      // Assess
      expect(results).toEqual({ notGroup: false, notGroupNeither: true, ungrouped: true, grouped: false, notBindsTightly: true });
    });
  });

  describe('typed values', () => {
    it('compares booleans, accepting the "True"/"False" strings Entra ID sends on either side', () => {
      // Act
      const results = [
        matches(ada, 'active eq true'),
        matches(ada, 'active eq false'),
        matches(ada, 'active ne false'),
        matches(sparse, 'active eq false'),
        matches(ada, 'active eq "TRUE"'),
      ];

      // Assess
      expect(results).toEqual([true, false, true, true, true]);
    });

    it('compares dateTime values as instants, whatever their time zone notation', () => {
      // Act
      const results = {
        eqOtherZone: matches(ada, 'meta.lastModified eq "2024-03-01T12:00:00+02:00"'),
        eqWithoutMillis: matches(ada, 'meta.lastModified eq "2024-03-01T10:00:00Z"'),
        gt: matches(ada, 'meta.lastModified gt "2024-03-01T09:59:59.999Z"'),
        gtEqual: matches(ada, 'meta.lastModified gt "2024-03-01T10:00:00Z"'),
        ge: matches(ada, 'meta.lastModified ge "2024-03-01T11:00:00+01:00"'),
        lt: matches(ada, 'meta.lastModified lt "2024-03-01T06:00:01-04:00"'),
        le: matches(ada, 'meta.created le "2024-03-01T09:00:00Z"'),
      };

      // Assess
      expect(results).toEqual({ eqOtherZone: true, eqWithoutMillis: true, gt: true, gtEqual: false, ge: true, lt: true, le: true });
    });

    it('does not match a string against a number of the same spelling', () => {
      // Act
      const result = matches({ ...ada, title: '42' }, 'title eq 42');

      // Assess
      expect(result).toBe(false);
    });
  });

  describe('extension attributes', () => {
    it('resolves attributes by the extension URN, in any case', () => {
      // Act
      const results = [
        matches(ada, `${ENTERPRISE}:department eq "engineering"`),
        matches(ada, `${ENTERPRISE.toLowerCase()}:Department eq "ENGINEERING"`),
        matches(ada, `${ENTERPRISE}:manager.value eq "boss-1"`),
        matches(ada, `${ENTERPRISE}:manager eq "boss-1"`),
        matches(sparse, `${ENTERPRISE}:department eq "engineering"`),
      ];

      // Assess
      expect(results).toEqual([true, true, true, true, false]);
    });
  });
});
