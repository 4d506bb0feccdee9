import { beforeAll, describe, expect, it } from 'vitest';
import { untilClockPasses } from '../../support/untilClockPasses.js';
import { ENTERPRISE, type Json, USER, useScimPerimeter } from './scimProtocolFixture.js';

/** SCIM filters (RFC 7644 §3.4.2.2): operators, grouping, value paths, extensions, string escapes and refusals. */
describe('SCIM 2.0 protocol (RFC 7643 / RFC 7644) over HTTP', () => {
  const { createUser, list, expectScimError } = useScimPerimeter();

  describe('filters', () => {
    // Every filter here is scoped to this block's users, so users created elsewhere in the file do not count.
    const SCOPE = '@flt.example';
    const seeded: Record<'ada' | 'bob' | 'cy' | 'dee', Json> = {} as never;
    const matching = async (filter: string): Promise<string[]> => {
      const reply = await list('Users', { filter: `userName ew "${SCOPE}" and (${filter})`, attributes: 'userName', count: '1000' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.totalResults).toBe(reply.body.Resources.length);
      return reply.body.Resources.map((user: Json) => user.userName.split('@')[0].toLowerCase()).sort();
    };

    beforeAll(async () => {
      // Each created once the clock has passed the one before, so each has its own meta.lastModified: ada < bob < cy < dee.
      seeded.ada = await createUser({
        schemas: [USER, ENTERPRISE],
        userName: 'Ada.Lovelace@flt.example',
        externalId: 'EXT-Ada',
        displayName: 'Ada Lovelace',
        title: 'Engineer',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [
          { type: 'work', value: 'ada@work.example', primary: true },
          { type: 'home', value: 'shared@home.example' },
        ],
        [ENTERPRISE]: { department: 'Engineering', employeeNumber: '100' },
      });
      await untilClockPasses(seeded.ada.meta.lastModified);
      seeded.bob = await createUser({
        schemas: [USER, ENTERPRISE],
        userName: 'bob@flt.example',
        externalId: 'ext-bob',
        displayName: 'Bob',
        title: 'Manager',
        active: false,
        emails: [{ type: 'work', value: 'shared@home.example' }],
        [ENTERPRISE]: { department: 'Sales' },
      });
      await untilClockPasses(seeded.bob.meta.lastModified);
      seeded.cy = await createUser({ userName: 'cy@flt.example', name: { givenName: 'Cy' }, emails: [{ type: 'home', value: 'cy@home.example' }] });
      await untilClockPasses(seeded.cy.meta.lastModified);
      seeded.dee = await createUser({ userName: 'Dee@FLT.example', title: 'engineer' });
    });

    it.each([
      ['eq', 'title eq "ENGINEER"', ['ada.lovelace', 'dee']],
      ['ne (an absent attribute is not equal)', 'title ne "engineer"', ['bob', 'cy']],
      ['co', 'displayName co "LOVE"', ['ada.lovelace']],
      ['sw', 'userName sw "B"', ['bob']],
      ['ew on a multi-valued sub-attribute', 'emails.value ew "@HOME.example"', ['ada.lovelace', 'bob', 'cy']],
      ['pr on a simple attribute', 'title pr', ['ada.lovelace', 'bob', 'dee']],
      ['pr on a complex attribute without a value sub-attribute', 'name pr', ['ada.lovelace', 'cy']],
      ['pr on a multi-valued attribute', 'emails pr', ['ada.lovelace', 'bob', 'cy']],
      ['gt on strings', 'userName gt "BOB@flt.example"', ['cy', 'dee']],
      ['ge on strings', 'userName ge "bob@flt.example"', ['bob', 'cy', 'dee']],
      ['lt on strings', 'userName lt "bob@flt.example"', ['ada.lovelace']],
      ['le on strings', 'userName le "BOB@FLT.EXAMPLE"', ['ada.lovelace', 'bob']],
      ['eq on a boolean', 'active eq false', ['bob']],
      ['ne on a boolean', 'active ne false', ['ada.lovelace', 'cy', 'dee']],
    ])('%s', async (_name, filter, expected) => {
      // Act
      const names = await matching(filter);

      // Assess
      expect(names).toEqual(expected);
    });

    it('compares dateTime attributes as instants, not as strings (gt ge lt le eq on meta.lastModified)', async () => {
      // Prepare
      const bobModified = seeded.bob.meta.lastModified as string;
      const sameInstantInAnotherZone = new Date(Date.parse(bobModified) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');

      // Act
      const results = {
        gt: await matching(`meta.lastModified gt "${bobModified}"`),
        ge: await matching(`meta.lastModified ge "${bobModified}"`),
        lt: await matching(`meta.lastModified lt "${bobModified}"`),
        le: await matching(`meta.lastModified le "${bobModified}"`),
        eq: await matching(`meta.lastModified eq "${sameInstantInAnotherZone}"`),
      };

      // Assess
      expect(results).toEqual({
        gt: ['cy', 'dee'],
        ge: ['bob', 'cy', 'dee'],
        lt: ['ada.lovelace'],
        le: ['ada.lovelace', 'bob'],
        eq: ['bob'],
      });
    });

    it('applies and, or, not with grouping, and binds and tighter than or', async () => {
      // Act
      const notGroup = await matching('not (title eq "engineer" or active eq false)');
      const ungrouped = await matching('title eq "manager" or title eq "engineer" and active eq true');
      const grouped = await matching('(title eq "manager" or title eq "engineer") and active eq true');
      const notWithoutParens = await matching('not userName sw "a" and title pr');

      // Assess
      expect(notGroup).toEqual(['cy']);
      expect(ungrouped).toEqual(['ada.lovelace', 'bob', 'dee']);
      expect(grouped).toEqual(['ada.lovelace', 'dee']);
      expect(notWithoutParens).toEqual(['bob', 'dee']);
    });

    it('matches a value path with a sub-attribute on one and the same element', async () => {
      // Act: ada has shared@home.example as her *home* email, bob as his *work* email.
      const workShared = await matching('emails[type eq "work"].value eq "shared@home.example"');
      const homeShared = await matching('emails[type eq "home"].value eq "shared@home.example"');
      const workPresent = await matching('emails[type eq "work"].value pr');

      // Assess
      expect(workShared).toEqual(['bob']);
      expect(homeShared).toEqual(['ada.lovelace']);
      expect(workPresent).toEqual(['ada.lovelace', 'bob']);
    });

    it('matches a value filter with several conditions on one element', async () => {
      // Act
      const sameElement = await matching('emails[type eq "work" and value co "ADA"]');
      const acrossElements = await matching('emails[type eq "home" and value co "ada"]');
      const anyHome = await matching('emails[type eq "home"]');
      const notHome = await matching('not (emails[type eq "home"])');

      // Assess
      expect(sameElement).toEqual(['ada.lovelace']);
      expect(acrossElements).toEqual([]);
      expect(anyHome).toEqual(['ada.lovelace', 'cy']);
      expect(notHome).toEqual(['bob', 'dee']);
    });

    it('matches userName case-insensitively but id and externalId case-exactly', async () => {
      // Act
      const userNameUpper = await list('Users', { filter: 'userName eq "ADA.LOVELACE@FLT.EXAMPLE"' });
      const externalIdExact = await list('Users', { filter: 'externalId eq "EXT-Ada"' });
      const externalIdOtherCase = await list('Users', { filter: 'externalId eq "ext-ada"' });
      const idExact = await list('Users', { filter: `id eq "${seeded.ada.id}"` });
      const idOtherCase = await list('Users', { filter: `id eq "${String(seeded.ada.id).toUpperCase()}"` });

      // Assess
      expect(userNameUpper.body.Resources.map((u: Json) => u.id)).toEqual([seeded.ada.id]);
      expect(externalIdExact.body.Resources.map((u: Json) => u.id)).toEqual([seeded.ada.id]);
      expect(externalIdOtherCase.body).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });
      expect(idExact.body.Resources.map((u: Json) => u.id)).toEqual([seeded.ada.id]);
      expect(idOtherCase.body).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it('filters on extension attributes by their URN', async () => {
      // Act
      const department = await matching(`${ENTERPRISE}:department eq "engineering"`);
      const employeeNumber = await matching(`${ENTERPRISE}:employeeNumber pr`);
      const notSales = await matching(`not (${ENTERPRISE}:department eq "Sales")`);

      // Assess
      expect(department).toEqual(['ada.lovelace']);
      expect(employeeNumber).toEqual(['ada.lovelace']);
      expect(notSales).toEqual(['ada.lovelace', 'cy', 'dee']);
    });

    it('reads filter values as JSON strings: escaped quotes and backslashes', async () => {
      // Prepare
      const quoted = await createUser({ userName: 'o"neil@quote.example' });
      const domain = await createUser({ userName: 'CONTOSO\\jdoe' });

      // Act
      const quote = await list('Users', { filter: String.raw`userName eq "O\"Neil@quote.example"`, attributes: 'userName' });
      const backslash = await list('Users', { filter: String.raw`userName eq "contoso\\jdoe"`, attributes: 'userName' });
      const backslashScan = await list('Users', { filter: String.raw`userName sw "CONTOSO\\" and userName ew "\\jdoe"`, attributes: 'userName' });

      // Assess
      expect(quote.status).toBe(200);
      expect(quote.body.Resources).toEqual([{ schemas: [USER], id: quoted.id, userName: 'o"neil@quote.example' }]);
      expect(backslash.body.Resources).toEqual([{ schemas: [USER], id: domain.id, userName: 'CONTOSO\\jdoe' }]);
      expect(backslashScan.body.Resources).toEqual([{ schemas: [USER], id: domain.id, userName: 'CONTOSO\\jdoe' }]);
    });

    it.each([
      ['a missing value', 'userName eq'],
      ['an unknown operator', 'userName xx "a"'],
      ['an unbalanced parenthesis', '(userName eq "a"'],
      ['an unterminated value filter', 'emails[type eq "work"'],
      ['an empty filter', ''],
      ['an unknown attribute', 'nickname2 eq "x"'],
      ['an unknown sub-attribute', 'emails.colour eq "x"'],
      ['an unknown extension attribute', `${ENTERPRISE}:shoeSize eq "x"`],
      ['gt on a boolean', 'active gt true'],
      ['co on a boolean', 'active co "t"'],
      ['eq on a complex attribute without a value sub-attribute', 'name eq "Ada"'],
      ['a value filter on a single-valued attribute', 'name[givenName eq "Ada"]'],
    ])('rejects %s with 400 invalidFilter', async (_name, filter) => {
      // Act
      const reply = await list('Users', { filter });

      // Assess
      expectScimError(reply, 400, 'invalidFilter');
    });
  });
});
