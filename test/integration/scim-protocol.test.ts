import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimHandler } from '../../functions/scim/createScimHandler.js';
import { StaticTokenVerifier } from '../../lib/auth/StaticTokenVerifier.js';
import { hashToken } from '../../lib/auth/hashToken.js';
import { DirectoryError } from '../../lib/domain/DirectoryError.js';
import type { Outbox } from '../../lib/domain/DirectoryRecords.js';
import { ledgerOnlyRelay } from '../support/ledgerOnlyRelay.js';
import { Ledger } from '../../lib/ledger/Ledger.js';
import type { LogFields, Logger } from '../../lib/observability/Logger.js';
import type { DirectoryStore } from '../../lib/ports/DirectoryStore.js';
import { ScimGroups } from '../../lib/scim/ScimGroups.js';
import { ScimUsers } from '../../lib/scim/ScimUsers.js';
import { lambdaContext } from '../../local/toApiGatewayEvent.js';
import { InMemoryLedgerStore } from '../fakes/InMemoryLedgerStore.js';
import { type ScimReply, startTestPerimeter, TEST_SCIM_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';
import { untilClockPasses } from '../support/untilClockPasses.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

// biome-ignore lint: SCIM JSON as the server returns it; each test asserts the shape it relies on.
type Json = any;

describe('SCIM 2.0 protocol (RFC 7643 / RFC 7644) over HTTP', () => {
  let perimeter: TestPerimeter;

  beforeAll(async () => {
    perimeter = await startTestPerimeter();
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  const createUser = async (attributes: Json): Promise<Json> => {
    const reply = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], ...attributes } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  };
  const createGroup = async (attributes: Json): Promise<Json> => {
    const reply = await perimeter.scim('/Groups', { method: 'POST', body: { schemas: [GROUP], ...attributes } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  };
  const patch = (path: string, operations: Json[], headers: Record<string, string> = {}): Promise<ScimReply> =>
    perimeter.scim(path, { method: 'PATCH', headers, body: { schemas: [PATCH_OP], Operations: operations } });
  const list = (collection: 'Users' | 'Groups', params: Record<string, string>): Promise<ScimReply> =>
    perimeter.scim(`/${collection}?${new URLSearchParams(params).toString()}`);
  const expectScimError = (reply: ScimReply, status: number, scimType?: string): void => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(reply.body).toEqual({
      schemas: [ERROR],
      status: String(status),
      ...(scimType ? { scimType } : {}),
      detail: expect.any(String),
    });
    expect(reply.body.detail.length).toBeGreaterThan(0);
  };
  /** node:http rather than fetch, which will not send a Host header of our choosing. */
  const rawRequest = (
    path: string,
    headers: Record<string, string>,
    method = 'GET',
    body?: string,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Json }> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: perimeter.port, path: `/scim/v2${path}`, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
        });
      });
      req.on('error', reject);
      req.end(body);
    });

  describe('discovery', () => {
    it('serves ServiceProviderConfig with the features this server implements', async () => {
      // Act
      const reply = await perimeter.scim('/ServiceProviderConfig');

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
      expect(reply.body).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        bulk: { supported: false },
        filter: { supported: true, maxResults: 1000 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        meta: { resourceType: 'ServiceProviderConfig', location: `${perimeter.url}/scim/v2/ServiceProviderConfig` },
      });
      expect(reply.body.authenticationSchemes).toEqual([expect.objectContaining({ type: 'oauthbearertoken', name: 'OAuth Bearer Token' })]);
    });

    it('lists the User and Group resource types, User with the optional enterprise extension', async () => {
      // Act
      const reply = await perimeter.scim('/ResourceTypes');

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body.schemas).toEqual([LIST_RESPONSE]);
      expect(reply.body.totalResults).toBe(2);
      expect(reply.body.itemsPerPage).toBe(2);
      expect(reply.body.Resources).toEqual([
        expect.objectContaining({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
          id: 'User',
          name: 'User',
          endpoint: '/Users',
          schema: USER,
          schemaExtensions: [{ schema: ENTERPRISE, required: false }],
          meta: { resourceType: 'ResourceType', location: `${perimeter.url}/scim/v2/ResourceTypes/User` },
        }),
        expect.objectContaining({
          id: 'Group',
          name: 'Group',
          endpoint: '/Groups',
          schema: GROUP,
          meta: { resourceType: 'ResourceType', location: `${perimeter.url}/scim/v2/ResourceTypes/Group` },
        }),
      ]);
    });

    it('serves one resource type by id, and 404 for an unknown one', async () => {
      // Act
      const user = await perimeter.scim('/ResourceTypes/User');
      const unknown = await perimeter.scim('/ResourceTypes/Device');

      // Assess
      expect(user.status).toBe(200);
      expect(user.body).toMatchObject({ id: 'User', endpoint: '/Users', schema: USER, schemaExtensions: [{ schema: ENTERPRISE, required: false }] });
      expectScimError(unknown, 404);
    });

    it('lists the core User, enterprise extension and Group schemas with their attribute characteristics', async () => {
      // Act
      const reply = await perimeter.scim('/Schemas');

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body.schemas).toEqual([LIST_RESPONSE]);
      expect(reply.body.totalResults).toBe(3);
      expect(reply.body.itemsPerPage).toBe(3);
      const byId = new Map<string, Json>(reply.body.Resources.map((schema: Json) => [schema.id, schema]));
      expect([...byId.keys()].sort()).toEqual([GROUP, USER, ENTERPRISE].sort());
      const attribute = (schemaId: string, name: string): Json => byId.get(schemaId).attributes.find((a: Json) => a.name === name);
      expect(byId.get(USER)).toMatchObject({ name: 'User', meta: { resourceType: 'Schema', location: `${perimeter.url}/scim/v2/Schemas/${USER}` } });
      expect(attribute(USER, 'userName')).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server' });
      expect(attribute(USER, 'groups')).toMatchObject({ multiValued: true, mutability: 'readOnly' });
      expect(attribute(USER, 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
      expect(byId.get(ENTERPRISE)).toMatchObject({ name: 'EnterpriseUser' });
      expect(attribute(ENTERPRISE, 'manager')).toMatchObject({ type: 'complex' });
      expect(attribute(ENTERPRISE, 'department')).toMatchObject({ type: 'string' });
      expect(byId.get(GROUP)).toMatchObject({ name: 'Group' });
      expect(attribute(GROUP, 'displayName')).toMatchObject({ type: 'string', required: true });
      expect(attribute(GROUP, 'members')).toMatchObject({ type: 'complex', multiValued: true });
    });

    it('serves each schema by its URN, and 404 for an unknown one', async () => {
      // Act
      const replies = await Promise.all([USER, ENTERPRISE, GROUP].map((id) => perimeter.scim(`/Schemas/${id}`)));
      const unknown = await perimeter.scim('/Schemas/urn:example:unknown');

      // Assess
      expect(replies.map((r) => [r.status, r.body.id])).toEqual([
        [200, USER],
        [200, ENTERPRISE],
        [200, GROUP],
      ]);
      expectScimError(unknown, 404);
    });

    it('renders meta.location as an absolute URL on the host and scheme the request came in on', async () => {
      // Prepare
      const headers = { authorization: `Bearer ${TEST_SCIM_TOKEN}`, host: 'scim.example.test:8443', 'x-forwarded-proto': 'https' };

      // Act
      const resourceType = await rawRequest('/ResourceTypes/User', headers);
      const schema = await rawRequest(`/Schemas/${GROUP}`, headers);
      const config = await rawRequest('/ServiceProviderConfig', headers);

      // Assess
      expect(resourceType.body.meta.location).toBe('https://scim.example.test:8443/scim/v2/ResourceTypes/User');
      expect(schema.body.meta.location).toBe(`https://scim.example.test:8443/scim/v2/Schemas/${GROUP}`);
      expect(config.body.meta.location).toBe('https://scim.example.test:8443/scim/v2/ServiceProviderConfig');
    });

    it('renders meta.location and the Location header of a created user on the request host', async () => {
      // Prepare
      const body = JSON.stringify({ schemas: [USER], userName: 'located@discovery.example' });

      // Act
      const created = await rawRequest(
        '/Users',
        { authorization: `Bearer ${TEST_SCIM_TOKEN}`, host: 'idp-facing.example.test', 'content-type': 'application/scim+json' },
        'POST',
        body,
      );

      // Assess
      expect(created.status).toBe(201);
      const expected = `http://idp-facing.example.test/scim/v2/Users/${created.body.id}`;
      expect(created.body.meta.location).toBe(expected);
      expect(created.headers.location).toBe(expected);
    });
  });

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

  describe('pagination and sorting', () => {
    const SCOPE = 'userName ew "@page.example"';
    const ids: Record<string, string> = {};
    const userNames = (reply: ScimReply): string[] => reply.body.Resources.map((user: Json) => user.userName.split('@')[0]);

    beforeAll(async () => {
      const users: [string, Json][] = [
        ['p1', { displayName: 'delta', emails: [{ value: 'z@mail.example' }, { value: 'a@mail.example', primary: true }] }],
        ['p2', { displayName: 'Alpha', emails: [{ value: 'm@mail.example', primary: true }] }],
        ['p3', { emails: [{ value: 'b@mail.example' }] }],
        ['p4', { displayName: 'charlie' }],
        ['p5', { displayName: 'Bravo' }],
      ];
      for (const [name, attributes] of users) ids[name] = (await createUser({ userName: `${name}@page.example`, ...attributes })).id;
    });

    it('pages with startIndex and count: totalResults counts all matches, itemsPerPage the page', async () => {
      // Act
      const reply = await list('Users', { filter: SCOPE, sortBy: 'userName', startIndex: '2', count: '2', attributes: 'userName' });

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 5, startIndex: 2, itemsPerPage: 2 });
      expect(userNames(reply)).toEqual(['p2', 'p3']);
    });

    it('answers count=0 with the total and no resources', async () => {
      // Act
      const reply = await list('Users', { filter: SCOPE, count: '0' });

      // Assess
      expect(reply.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 5, startIndex: 1, itemsPerPage: 0, Resources: [] });
    });

    it('answers a startIndex beyond the end with an empty page', async () => {
      // Act
      const reply = await list('Users', { filter: SCOPE, startIndex: '6' });

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 5, startIndex: 6, itemsPerPage: 0, Resources: [] });
    });

    it('treats a negative count as 0 and a startIndex below 1 as 1', async () => {
      // Act
      const negative = await list('Users', { filter: SCOPE, count: '-3' });
      const belowOne = await list('Users', { filter: SCOPE, startIndex: '-4', count: '1', sortBy: 'userName', attributes: 'userName' });

      // Assess
      expect(negative.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
      expect(belowOne.body).toMatchObject({ totalResults: 5, startIndex: 1, itemsPerPage: 1 });
      expect(userNames(belowOne)).toEqual(['p1']);
    });

    it('rejects a non-integer count or startIndex with 400 invalidValue', async () => {
      // Act
      const count = await list('Users', { count: 'ten' });
      const startIndex = await list('Users', { startIndex: '1.5' });

      // Assess
      expectScimError(count, 400, 'invalidValue');
      expectScimError(startIndex, 400, 'invalidValue');
    });

    it('sorts ascending by default and descending on request, case-insensitively, missing values last both ways', async () => {
      // Act
      const ascending = await list('Users', { filter: SCOPE, sortBy: 'displayName', attributes: 'userName' });
      const explicitAscending = await list('Users', { filter: SCOPE, sortBy: 'displayName', sortOrder: 'ascending', attributes: 'userName' });
      const descending = await list('Users', { filter: SCOPE, sortBy: 'displayName', sortOrder: 'descending', attributes: 'userName' });

      // Assess
      expect(userNames(ascending)).toEqual(['p2', 'p5', 'p4', 'p1', 'p3']);
      expect(userNames(explicitAscending)).toEqual(['p2', 'p5', 'p4', 'p1', 'p3']);
      expect(userNames(descending)).toEqual(['p1', 'p4', 'p5', 'p2', 'p3']);
    });

    it('sorts a multi-valued attribute by its primary value, else its first value', async () => {
      // Act
      const byEmails = await list('Users', { filter: SCOPE, sortBy: 'emails', attributes: 'userName' });
      const byEmailValue = await list('Users', { filter: SCOPE, sortBy: 'emails.value', sortOrder: 'descending', attributes: 'userName' });

      // Assess: p1 sorts as a@ (primary), not z@ (first); p4 and p5 have no emails.
      expect(userNames(byEmails).slice(0, 3)).toEqual(['p1', 'p3', 'p2']);
      expect(userNames(byEmailValue).slice(0, 3)).toEqual(['p2', 'p3', 'p1']);
      expect(userNames(byEmails).slice(3).sort()).toEqual(['p4', 'p5']);
    });

    it('pages after sorting', async () => {
      // Act
      const reply = await list('Users', { filter: SCOPE, sortBy: 'displayName', sortOrder: 'descending', startIndex: '2', count: '3', attributes: 'userName' });

      // Assess
      expect(reply.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 3 });
      expect(userNames(reply)).toEqual(['p4', 'p5', 'p2']);
    });

    it('rejects an unknown sortBy attribute and an unknown sortOrder with 400 invalidValue', async () => {
      // Act
      const sortBy = await list('Users', { sortBy: 'shoeSize' });
      const sortOrder = await list('Users', { sortBy: 'userName', sortOrder: 'sideways' });

      // Assess
      expectScimError(sortBy, 400, 'invalidValue');
      expectScimError(sortOrder, 400, 'invalidValue');
    });

    it('serves the same query as POST /Users/.search', async () => {
      // Prepare
      const request = {
        schemas: [SEARCH_REQUEST],
        filter: SCOPE,
        sortBy: 'displayName',
        sortOrder: 'descending',
        startIndex: 2,
        count: 2,
        attributes: ['userName', 'name.givenName'],
      };

      // Act
      const reply = await perimeter.scim('/Users/.search', { method: 'POST', body: request });

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 5, startIndex: 2, itemsPerPage: 2 });
      expect(reply.body.Resources).toEqual([
        { schemas: [USER], id: ids.p4, userName: 'p4@page.example' },
        { schemas: [USER], id: ids.p5, userName: 'p5@page.example' },
      ]);
    });

    it('applies excludedAttributes in POST /.search and refuses GET on it', async () => {
      // Act
      const reply = await perimeter.scim('/Users/.search', {
        method: 'POST',
        body: { schemas: [SEARCH_REQUEST], filter: 'userName eq "p2@page.example"', excludedAttributes: ['emails', 'meta'] },
      });
      const get = await perimeter.scim('/Users/.search');

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body.Resources).toEqual([{ schemas: [USER], id: ids.p2, userName: 'p2@page.example', displayName: 'Alpha', active: true }]);
      expectScimError(get, 405);
      expect(get.headers.get('allow')).toBe('POST');
    });
  });

  describe('attribute projection', () => {
    let user: Json;

    beforeAll(async () => {
      user = await createUser({
        schemas: [USER, ENTERPRISE],
        userName: 'proj@proj.example',
        externalId: 'proj-1',
        name: { givenName: 'Pro', familyName: 'Jection' },
        emails: [
          { type: 'work', value: 'pro@work.example', primary: true },
          { type: 'home', value: 'pro@home.example' },
        ],
        [ENTERPRISE]: { department: 'Research', manager: { value: 'mgr-1' } },
      });
    });

    it('returns only the requested attributes and sub-attributes, plus id and schemas', async () => {
      // Act
      const reply = await perimeter.scim(`/Users/${user.id}?attributes=name.givenName,emails.value,${ENTERPRISE}:department`);

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        schemas: [USER, ENTERPRISE],
        id: user.id,
        name: { givenName: 'Pro' },
        emails: [{ value: 'pro@work.example' }, { value: 'pro@home.example' }],
        [ENTERPRISE]: { department: 'Research' },
      });
    });

    it('returns a whole extension when its URN is requested', async () => {
      // Act
      const reply = await perimeter.scim(`/Users/${user.id}?attributes=userName,${ENTERPRISE}`);

      // Assess
      expect(reply.body).toEqual({
        schemas: [USER, ENTERPRISE],
        id: user.id,
        userName: 'proj@proj.example',
        [ENTERPRISE]: { department: 'Research', manager: { value: 'mgr-1' } },
      });
    });

    it('removes excluded attributes and sub-attributes but always returns id', async () => {
      // Act
      const reply = await perimeter.scim(`/Users/${user.id}?excludedAttributes=id,name,emails.value,${ENTERPRISE}:manager,meta`);

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        schemas: [USER, ENTERPRISE],
        id: user.id,
        externalId: 'proj-1',
        userName: 'proj@proj.example',
        active: true,
        emails: [{ type: 'work', primary: true }, { type: 'home' }],
        [ENTERPRISE]: { department: 'Research' },
      });
    });

    it('returns id even when only other attributes are asked for', async () => {
      // Act
      const reply = await perimeter.scim(`/Users/${user.id}?attributes=externalId`);

      // Assess
      expect(reply.body).toEqual({ schemas: [USER, ENTERPRISE], id: user.id, externalId: 'proj-1' });
    });

    it('projects every resource of a list', async () => {
      // Act
      const reply = await list('Users', { filter: 'userName eq "proj@proj.example"', attributes: 'emails.value,meta.version' });

      // Assess
      expect(reply.body.Resources).toEqual([
        {
          schemas: [USER, ENTERPRISE],
          id: user.id,
          emails: [{ value: 'pro@work.example' }, { value: 'pro@home.example' }],
          meta: { version: 'W/"1"' },
        },
      ]);
    });

    it('projects the derived groups attribute: a sub-attribute excluded, or requested by its URN', async () => {
      // Prepare
      const group = await createGroup({ displayName: 'Projected Group', members: [{ value: user.id }] });
      const expectedGroup = { value: group.id, $ref: `${perimeter.url}/scim/v2/Groups/${group.id}`, type: 'direct' };

      // Act
      const excluded = await perimeter.scim(`/Users/${user.id}?excludedAttributes=groups.display`);
      const byUrn = await perimeter.scim(`/Users/${user.id}?attributes=${USER}:groups.value`);
      const listed = await list('Users', { filter: 'userName eq "proj@proj.example"', excludedAttributes: 'groups.display,emails' });

      // Assess
      expect(excluded.body.groups).toEqual([expectedGroup]);
      expect(byUrn.body).toEqual({ schemas: [USER, ENTERPRISE], id: user.id, groups: [{ value: group.id }] });
      expect(listed.body.Resources[0].groups).toEqual([expectedGroup]);
      expect(listed.body.Resources[0]).not.toHaveProperty('emails');
    });

    it('rejects an unknown attribute in attributes or excludedAttributes with 400 invalidValue', async () => {
      // Act
      const attributes = await perimeter.scim(`/Users/${user.id}?attributes=shoeSize`);
      const excluded = await list('Users', { excludedAttributes: 'emails.colour' });

      // Assess
      expectScimError(attributes, 400, 'invalidValue');
      expectScimError(excluded, 400, 'invalidValue');
    });
  });

  describe('errors', () => {
    it('answers a taken userName with 409 uniqueness, case-insensitively, and creates nothing', async () => {
      // Prepare
      await createUser({ userName: 'dup@err.example' });

      // Act
      const sameCase = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], userName: 'dup@err.example' } });
      const otherCase = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], userName: 'DUP@Err.Example' } });
      const users = await perimeter.stores.directory.listUsers();

      // Assess
      expectScimError(sameCase, 409, 'uniqueness');
      expectScimError(otherCase, 409, 'uniqueness');
      expect(users.filter((u) => u.userName.toLowerCase() === 'dup@err.example')).toHaveLength(1);
    });

    it('answers a rename onto a taken userName via PUT or PATCH with 409 uniqueness and leaves the user unchanged', async () => {
      // Prepare
      await createUser({ userName: 'taken@err.example' });
      const renamer = await createUser({ userName: 'renamer@err.example', title: 'Original' });

      // Act
      const put = await perimeter.scim(`/Users/${renamer.id}`, { method: 'PUT', body: { schemas: [USER], userName: 'TAKEN@err.example', title: 'Changed' } });
      const patched = await patch(`/Users/${renamer.id}`, [
        { op: 'replace', path: 'title', value: 'Changed' },
        { op: 'replace', path: 'userName', value: 'taken@ERR.example' },
      ]);
      const stored = await perimeter.stores.directory.getUser(renamer.id);
      const owner = await perimeter.stores.directory.findUserByUserName('taken@err.example');

      // Assess
      expectScimError(put, 409, 'uniqueness');
      expectScimError(patched, 409, 'uniqueness');
      expect(stored).toMatchObject({ userName: 'renamer@err.example', version: 1, attributes: expect.objectContaining({ title: 'Original' }) });
      expect(owner?.id).not.toBe(renamer.id);
    });

    it('lets a user change the case of its own userName', async () => {
      // Prepare
      const user = await createUser({ userName: 'casey@err.example' });

      // Act
      const reply = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'userName', value: 'Casey@Err.Example' }]);

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body.userName).toBe('Casey@Err.Example');
    });

    it.each([
      ['malformed JSON', { rawBody: '{"userName": ', headers: { 'content-type': 'application/scim+json' } }],
      ['a JSON array', { body: [{ schemas: [USER], userName: 'array@err.example' }] }],
      ['a JSON string', { body: 'userName=string@err.example' }],
      ['an empty body', { rawBody: '', headers: { 'content-type': 'application/scim+json' } }],
    ])('answers POST with %s with 400 invalidSyntax', async (_name, init) => {
      // Act
      const reply = await perimeter.scim('/Users', { method: 'POST', ...init });

      // Assess
      expectScimError(reply, 400, 'invalidSyntax');
    });

    it('answers a PATCH without Operations, or that is not an object, with 400 invalidSyntax', async () => {
      // Prepare
      const user = await createUser({ userName: 'nops@err.example' });

      // Act
      const noOperations = await perimeter.scim(`/Users/${user.id}`, { method: 'PATCH', body: { schemas: [PATCH_OP] } });
      const array = await perimeter.scim(`/Users/${user.id}`, { method: 'PATCH', body: [{ op: 'replace', path: 'title', value: 'x' }] });

      // Assess
      expectScimError(noOperations, 400, 'invalidSyntax');
      expectScimError(array, 400, 'invalidSyntax');
    });

    it.each([
      ['a string for a boolean', { userName: 'bool@err.example', active: 'maybe' }],
      ['a number for a string', { userName: 42 }],
      ['a string for a multi-valued attribute', { userName: 'multi@err.example', emails: 'multi@err.example' }],
      ['an empty userName', { userName: '' }],
      ['a blank userName', { userName: '   ' }],
      ['no userName', { displayName: 'Nobody' }],
    ])('answers a user with %s with 400 invalidValue and creates nothing', async (_name, attributes) => {
      // Prepare
      const before = (await perimeter.stores.directory.listUsers()).length;

      // Act
      const reply = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], ...attributes } });
      const after = (await perimeter.stores.directory.listUsers()).length;

      // Assess
      expectScimError(reply, 400, 'invalidValue');
      expect(after).toBe(before);
    });

    it('answers a group with an unknown member id with 400 invalidValue, on create and on PATCH', async () => {
      // Prepare
      const member = await createUser({ userName: 'member@err.example' });
      const group = await createGroup({ displayName: 'Err Group', members: [{ value: member.id }] });
      const unknownId = randomUUID();

      // Act
      const create = await perimeter.scim('/Groups', {
        method: 'POST',
        body: { schemas: [GROUP], displayName: 'Never Created', members: [{ value: member.id }, { value: unknownId }] },
      });
      const patched = await patch(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: [{ value: unknownId }] }]);
      const created = await list('Groups', { filter: 'displayName eq "Never Created"' });
      const members = await perimeter.stores.directory.membersOf(group.id);

      // Assess
      expectScimError(create, 400, 'invalidValue');
      expect(create.body.detail).toContain(unknownId);
      expectScimError(patched, 400, 'invalidValue');
      expect(created.body.totalResults).toBe(0);
      expect(members.map((m) => m.memberId)).toEqual([member.id]);
    });

    it('answers a PATCH that replaces id with 400 mutability', async () => {
      // Prepare
      const user = await createUser({ userName: 'immutable@err.example' });

      // Act
      const withPath = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'id', value: 'hijacked' }]);
      const withoutPath = await patch(`/Users/${user.id}`, [{ op: 'replace', value: { id: 'hijacked', title: 'x' } }]);
      const stored = await perimeter.stores.directory.getUser(user.id);

      // Assess
      expectScimError(withPath, 400, 'mutability');
      expectScimError(withoutPath, 400, 'mutability');
      expect(stored?.version).toBe(1);
      expect(await perimeter.stores.directory.getUser('hijacked')).toBeUndefined();
    });

    it('answers a PATCH path that names no attribute, or does not parse, with 400 invalidPath', async () => {
      // Prepare
      const user = await createUser({ userName: 'paths@err.example' });

      // Act
      const unknown = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'shoeSize', value: '42' }]);
      const malformed = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'emails[type eq', value: 'x' }]);

      // Assess
      expectScimError(unknown, 400, 'invalidPath');
      expectScimError(malformed, 400, 'invalidPath');
    });

    it('answers a remove without path, or a replace whose value filter matches nothing, with 400 noTarget', async () => {
      // Prepare
      const user = await createUser({ userName: 'targets@err.example', emails: [{ type: 'work', value: 'targets@work.example' }] });

      // Act
      const noPath = await patch(`/Users/${user.id}`, [{ op: 'remove' }]);
      const noMatch = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'emails[value eq "missing@work.example"].primary', value: true }]);
      const stored = await perimeter.stores.directory.getUser(user.id);

      // Assess
      expectScimError(noPath, 400, 'noTarget');
      expectScimError(noMatch, 400, 'noTarget');
      expect(stored?.version).toBe(1);
    });

    it.each(['Users', 'Groups'])('answers GET, PUT, PATCH and DELETE of an unknown %s id with 404', async (collection) => {
      // Prepare
      const id = randomUUID();
      const body = collection === 'Users' ? { schemas: [USER], userName: `ghost-${id}@err.example` } : { schemas: [GROUP], displayName: 'Ghost' };

      // Act
      const replies = [
        await perimeter.scim(`/${collection}/${id}`),
        await perimeter.scim(`/${collection}/${id}`, { method: 'PUT', body }),
        await patch(`/${collection}/${id}`, [{ op: 'replace', path: collection === 'Users' ? 'title' : 'displayName', value: 'x' }]),
        await perimeter.scim(`/${collection}/${id}`, { method: 'DELETE' }),
      ];

      // Assess
      for (const reply of replies) expectScimError(reply, 404);
      expect(await perimeter.stores.directory.findUserByUserName(`ghost-${id}@err.example`)).toBeUndefined();
    });

    it('answers a method the endpoint does not support with 405 and an Allow header', async () => {
      // Prepare
      const user = await createUser({ userName: 'methods@err.example' });

      // Act
      const collection = await perimeter.scim('/Users', { method: 'DELETE' });
      const resource = await perimeter.scim(`/Users/${user.id}`, { method: 'POST', body: { schemas: [USER], userName: 'x@err.example' } });
      const discovery = await perimeter.scim('/ServiceProviderConfig', { method: 'PUT', body: {} });

      // Assess
      expectScimError(collection, 405);
      expect(collection.headers.get('allow')).toBe('GET, POST');
      expectScimError(resource, 405);
      expect(resource.headers.get('allow')).toBe('GET, PUT, PATCH, DELETE');
      expectScimError(discovery, 405);
      expect(discovery.headers.get('allow')).toBe('GET');
    });

    it('answers a text/plain body with 415 and creates nothing', async () => {
      // Act
      const reply = await perimeter.scim('/Users', {
        method: 'POST',
        rawBody: JSON.stringify({ schemas: [USER], userName: 'plain@err.example' }),
        headers: { 'content-type': 'text/plain' },
      });

      // Assess
      expectScimError(reply, 415);
      expect(await perimeter.stores.directory.findUserByUserName('plain@err.example')).toBeUndefined();
    });

    it('accepts application/json as well as application/scim+json', async () => {
      // Act
      const reply = await perimeter.scim('/Users', {
        method: 'POST',
        rawBody: JSON.stringify({ schemas: [USER], userName: 'json@err.example' }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });

      // Assess
      expect(reply.status).toBe(201);
    });

    it('answers a body over 1 MiB with 413 and creates nothing', async () => {
      // Prepare
      const body = JSON.stringify({ schemas: [USER], userName: 'huge@err.example', title: 'x'.repeat(1_048_576) });

      // Act
      const reply = await perimeter.scim('/Users', { method: 'POST', rawBody: body, headers: { 'content-type': 'application/scim+json' } });

      // Assess
      expectScimError(reply, 413);
      expect(await perimeter.stores.directory.findUserByUserName('huge@err.example')).toBeUndefined();
    });

    it('answers /Bulk with 501 Not Implemented', async () => {
      // Act
      const reply = await perimeter.scim('/Bulk', {
        method: 'POST',
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] },
      });

      // Assess
      expectScimError(reply, 501);
    });

    it('drops a password sent by the IdP: never stored, never returned', async () => {
      // Act
      const created = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], userName: 'pw@err.example', password: 'hunter2-Secret!' } });
      const stored = await perimeter.stores.directory.getUser(created.body.id);

      // Assess
      expect(created.status).toBe(201);
      expect(created.body).not.toHaveProperty('password');
      expect(JSON.stringify(stored)).not.toContain('hunter2');
    });
  });

  describe('authentication', () => {
    let victim: Json;
    let ledgerBefore: number;

    beforeAll(async () => {
      victim = await createUser({ userName: 'victim@auth.example', title: 'Untouched' });
      ledgerBefore = (await perimeter.stores.ledger.chain(`person#${victim.id}`)).length;
    });

    const expectChallenge = (reply: { status: number; body: Json }, challenge: string | null | undefined): void => {
      expect(reply.status).toBe(401);
      expect(challenge).toMatch(/^Bearer realm="[^"]+"/);
      expect(reply.body).toEqual({ schemas: [ERROR], status: '401', detail: expect.any(String) });
    };

    it('answers a request without an Authorization header with 401 and a Bearer challenge', async () => {
      // Act
      const reply = await rawRequest('/Users', {});

      // Assess
      expectChallenge(reply, String(reply.headers['www-authenticate']));
      expect(reply.headers['www-authenticate']).toBe('Bearer realm="perimeter-scim"');
    });

    it('answers another scheme with 401 and a Bearer challenge', async () => {
      // Act
      const reply = await perimeter.scim('/Users', { headers: { authorization: `Basic ${Buffer.from(`scim:${TEST_SCIM_TOKEN}`).toString('base64')}` } });

      // Assess
      expectChallenge(reply, reply.headers.get('www-authenticate'));
    });

    it('answers a wrong token with 401, a Bearer challenge and invalid_token', async () => {
      // Act
      const reply = await perimeter.scim('/Users', { headers: { authorization: 'Bearer not-the-token-0123456789' } });

      // Assess
      expectChallenge(reply, reply.headers.get('www-authenticate'));
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="perimeter-scim", error="invalid_token"');
    });

    it('writes nothing for unauthenticated POST, PUT, PATCH and DELETE', async () => {
      // Prepare
      const wrong = { authorization: 'Bearer not-the-token-0123456789' };
      const usersBefore = (await perimeter.stores.directory.listUsers()).length;

      // Act
      const replies = [
        await perimeter.scim('/Users', { method: 'POST', headers: wrong, body: { schemas: [USER], userName: 'intruder@auth.example' } }),
        await rawRequest('/Users', { 'content-type': 'application/scim+json' }, 'POST', JSON.stringify({ schemas: [USER], userName: 'intruder@auth.example' })),
        await rawRequest(`/Users/${victim.id}`, { 'content-type': 'application/scim+json' }, 'PUT', JSON.stringify({ schemas: [USER], userName: 'owned@auth.example' })),
        await perimeter.scim(`/Users/${victim.id}`, { method: 'PUT', headers: wrong, body: { schemas: [USER], userName: 'owned@auth.example' } }),
        await patch(`/Users/${victim.id}`, [{ op: 'replace', path: 'active', value: false }], wrong),
        await perimeter.scim(`/Users/${victim.id}`, { method: 'DELETE', headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
        await perimeter.scim(`/Users/${victim.id}`, { method: 'DELETE', headers: wrong }),
        await perimeter.scim('/Groups', { method: 'POST', headers: wrong, body: { schemas: [GROUP], displayName: 'Intruders', members: [{ value: victim.id }] } }),
      ];
      const stored = await perimeter.stores.directory.getUser(victim.id);
      const usersAfter = (await perimeter.stores.directory.listUsers()).length;
      const ledgerAfter = (await perimeter.stores.ledger.chain(`person#${victim.id}`)).length;
      const intruders = await list('Groups', { filter: 'displayName eq "Intruders"' });

      // Assess
      expect(replies.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
      expect(stored).toMatchObject({ userName: 'victim@auth.example', active: true, version: 1, attributes: expect.objectContaining({ title: 'Untouched' }) });
      expect(usersAfter).toBe(usersBefore);
      expect(ledgerAfter).toBe(ledgerBefore);
      expect(await perimeter.stores.directory.findUserByUserName('intruder@auth.example')).toBeUndefined();
      expect(intruders.body.totalResults).toBe(0);
    });
  });

  describe('ETags and conditional requests', () => {
    it('sends an ETag equal to meta.version on create, read, replace and patch', async () => {
      // Prepare
      const created = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], userName: 'etag@etag.example' } });
      const id = created.body.id;

      // Act
      const read = await perimeter.scim(`/Users/${id}`);
      const replaced = await perimeter.scim(`/Users/${id}`, { method: 'PUT', body: { schemas: [USER], userName: 'etag@etag.example', title: 'One' } });
      const patched = await patch(`/Users/${id}`, [{ op: 'replace', path: 'title', value: 'Two' }]);

      // Assess
      expect([created, read, replaced, patched].map((r) => [r.headers.get('etag'), r.body.meta.version])).toEqual([
        ['W/"1"', 'W/"1"'],
        ['W/"1"', 'W/"1"'],
        ['W/"2"', 'W/"2"'],
        ['W/"3"', 'W/"3"'],
      ]);
    });

    it('answers a stale If-Match on PUT, PATCH and DELETE with 412 and changes nothing', async () => {
      // Prepare
      const user = await createUser({ userName: 'stale@etag.example', title: 'Kept' });
      await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'title', value: 'Current' }]);
      const stale = { 'if-match': 'W/"1"' };

      // Act
      const put = await perimeter.scim(`/Users/${user.id}`, { method: 'PUT', headers: stale, body: { schemas: [USER], userName: 'stale@etag.example' } });
      const patched = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'title', value: 'Lost update' }], stale);
      const deleted = await perimeter.scim(`/Users/${user.id}`, { method: 'DELETE', headers: stale });
      const stored = await perimeter.stores.directory.getUser(user.id);

      // Assess
      expectScimError(put, 412);
      expectScimError(patched, 412);
      expectScimError(deleted, 412);
      expect(stored).toMatchObject({ version: 2, attributes: expect.objectContaining({ title: 'Current' }) });
    });

    it('applies PUT, PATCH and DELETE when If-Match is current or *', async () => {
      // Prepare
      const user = await createUser({ userName: 'current@etag.example' });

      // Act
      const put = await perimeter.scim(`/Users/${user.id}`, {
        method: 'PUT',
        headers: { 'if-match': 'W/"1"' },
        body: { schemas: [USER], userName: 'current@etag.example', title: 'Put' },
      });
      const patched = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'title', value: 'Patched' }], { 'if-match': put.headers.get('etag') ?? '' });
      const star = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'title', value: 'Star' }], { 'if-match': '*' });
      const deleted = await perimeter.scim(`/Users/${user.id}`, { method: 'DELETE', headers: { 'if-match': 'W/"4"' } });
      const afterDelete = await perimeter.scim(`/Users/${user.id}`);

      // Assess
      expect([put.status, put.body.title, put.headers.get('etag')]).toEqual([200, 'Put', 'W/"2"']);
      expect([patched.status, patched.body.title, patched.headers.get('etag')]).toEqual([200, 'Patched', 'W/"3"']);
      expect([star.status, star.body.title, star.headers.get('etag')]).toEqual([200, 'Star', 'W/"4"']);
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expectScimError(afterDelete, 404);
    });

    it('answers If-None-Match with the current ETag with 304 and no body, and a stale one with the resource', async () => {
      // Prepare
      const user = await createUser({ userName: 'cached@etag.example' });

      // Act
      const current = await perimeter.scim(`/Users/${user.id}`, { headers: { 'if-none-match': 'W/"1"' } });
      const stale = await perimeter.scim(`/Users/${user.id}`, { headers: { 'if-none-match': 'W/"0"' } });

      // Assess
      expect(current.status).toBe(304);
      expect(current.body).toBeUndefined();
      expect(current.headers.get('etag')).toBe('W/"1"');
      expect(stale.status).toBe(200);
      expect(stale.body.userName).toBe('cached@etag.example');
    });

    it('applies If-Match to groups as well', async () => {
      // Prepare
      const group = await createGroup({ displayName: 'ETag Group' });

      // Act
      const stale = await patch(`/Groups/${group.id}`, [{ op: 'replace', path: 'displayName', value: 'Renamed' }], { 'if-match': 'W/"9"' });
      const current = await patch(`/Groups/${group.id}`, [{ op: 'replace', path: 'displayName', value: 'Renamed' }], { 'if-match': 'W/"1"' });

      // Assess
      expectScimError(stale, 412);
      expect([current.status, current.body.displayName, current.headers.get('etag')]).toEqual([200, 'Renamed', 'W/"2"']);
    });
  });

  describe('failed writes change nothing', () => {
    it('leaves version, attributes and the ledger untouched when one operation of a PATCH fails', async () => {
      // Prepare
      const user = await createUser({ userName: 'atomic@atomic.example', title: 'Before', emails: [{ type: 'work', value: 'atomic@work.example' }] });
      const ledgerBefore = await perimeter.stores.ledger.chain(`person#${user.id}`);

      // Act
      const reply = await patch(`/Users/${user.id}`, [
        { op: 'replace', path: 'title', value: 'After' },
        { op: 'add', path: 'emails', value: [{ type: 'home', value: 'atomic@home.example' }] },
        { op: 'replace', path: 'active', value: 'perhaps' },
      ]);
      const read = await perimeter.scim(`/Users/${user.id}`);
      const ledgerAfter = await perimeter.stores.ledger.chain(`person#${user.id}`);

      // Assess
      expectScimError(reply, 400, 'invalidValue');
      expect(read.body.meta.version).toBe('W/"1"');
      expect(read.body.meta.lastModified).toBe(user.meta.lastModified);
      expect(read.body.title).toBe('Before');
      expect(read.body.emails).toEqual([{ type: 'work', value: 'atomic@work.example' }]);
      expect(ledgerAfter).toHaveLength(ledgerBefore.length);
    });

    it('leaves a user untouched when a PUT fails validation', async () => {
      // Prepare
      const user = await createUser({ userName: 'atomic-put@atomic.example', title: 'Before' });

      // Act
      const reply = await perimeter.scim(`/Users/${user.id}`, { method: 'PUT', body: { schemas: [USER], userName: '', title: 'After' } });
      const stored = await perimeter.stores.directory.getUser(user.id);

      // Assess
      expectScimError(reply, 400, 'invalidValue');
      expect(stored).toMatchObject({ userName: 'atomic-put@atomic.example', version: 1, attributes: expect.objectContaining({ title: 'Before' }) });
    });
  });

  describe('result size limit', () => {
    it('caps count at 1000 (filter.maxResults) and pages on from there', async () => {
      // Prepare: 1001 groups, written through the store (the HTTP path is exercised everywhere else).
      const { directory: directoryStore } = perimeter.stores;
      const timestamp = new Date().toISOString();
      const pending = Array.from({ length: 1001 }, (_, i) => i);
      const seedOne = async (i: number): Promise<void> => {
        const id = randomUUID();
        const outbox: Outbox = { id: randomUUID(), createdAt: timestamp, events: [], memberships: [] };
        const displayName = `cap-${String(i).padStart(4, '0')}`;
        await directoryStore.putGroup({ id, displayName, version: 1, created: timestamp, lastModified: timestamp, attributes: { displayName } }, undefined, outbox);
        // Nothing to deliver (no events, no memberships): clearing the outbox is all delivery would do.
        await directoryStore.completeOutbox({ type: 'Group', id }, outbox);
      };
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = pending.shift(); i !== undefined; i = pending.shift()) await seedOne(i);
        }),
      );

      // Act
      const first = await list('Groups', { filter: 'displayName sw "cap-"', count: '5000', attributes: 'displayName', sortBy: 'displayName' });
      const rest = await list('Groups', { filter: 'displayName sw "cap-"', startIndex: '1001', count: '5000', attributes: 'displayName', sortBy: 'displayName' });

      // Assess
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ totalResults: 1001, startIndex: 1, itemsPerPage: 1000 });
      expect(first.body.Resources).toHaveLength(1000);
      expect(first.body.Resources[999].displayName).toBe('cap-0999');
      expect(rest.body).toMatchObject({ totalResults: 1001, startIndex: 1001, itemsPerPage: 1 });
      expect(rest.body.Resources.map((g: Json) => g.displayName)).toEqual(['cap-1000']);
    });
  });
});

describe('SCIM handler on a failing directory store', () => {
  const TOKEN = 'failing-store-token-0123456789';
  const INTERNALS = 'connect ECONNREFUSED 10.20.30.40:8000 (table perimeter-directory-prod)';
  const logged: { message: string; fields?: LogFields }[] = [];
  const logger: Logger = {
    info: () => undefined,
    warn: () => undefined,
    error: (message, fields) => logged.push({ message, fields }),
  };
  // Every store call fails the way DynamoDirectoryStore fails when DynamoDB is unreachable.
  const store = new Proxy({} as DirectoryStore, {
    get: () => async () => {
      throw new DirectoryError('unavailable', 'Directory store failed to read item', { cause: new Error(INTERNALS) });
    },
  });
  const deps = { store, relay: ledgerOnlyRelay(store, new Ledger(new InMemoryLedgerStore())), logger };
  const handler = createScimHandler({
    users: new ScimUsers(deps),
    groups: new ScimGroups(deps),
    tokens: new StaticTokenVerifier([{ label: 'test-idp', sha256: hashToken(TOKEN) }]),
    logger,
  });
  const invoke = async (
    method: string,
    path: string,
    body?: unknown,
    authorization = `Bearer ${TOKEN}`,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = randomUUID();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: '$default',
      rawPath: `/scim/v2${path}`,
      rawQueryString: '',
      headers: {
        host: 'scim.example.test',
        authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
      },
      requestContext: {
        accountId: 'test',
        apiId: 'test',
        domainName: 'scim.example.test',
        domainPrefix: 'scim',
        http: { method, path: `/scim/v2${path}`, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
        requestId,
        routeKey: '$default',
        stage: '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      isBase64Encoded: false,
    };
    return handler(event, lambdaContext('scim', requestId));
  };

  it.each([
    ['GET', '/Users/2819c223-7f76-453a-919d-413861904646', undefined],
    ['GET', '/Users', undefined],
    ['POST', '/Users', { schemas: [USER], userName: 'new@fail.example' }],
    ['PUT', '/Users/2819c223-7f76-453a-919d-413861904646', { schemas: [USER], userName: 'x@fail.example' }],
    ['PATCH', '/Users/2819c223-7f76-453a-919d-413861904646', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }],
    ['DELETE', '/Users/2819c223-7f76-453a-919d-413861904646', undefined],
    ['GET', '/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a', undefined],
    ['POST', '/Groups', { schemas: [GROUP], displayName: 'Fails' }],
  ])('answers %s %s with 500 and a generic detail, never a 404', async (method, path, body) => {
    // Prepare
    logged.length = 0;

    // Act
    const result = await invoke(method, path, body);

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.headers?.['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(JSON.parse(String(result.body))).toEqual({ schemas: [ERROR], status: '500', detail: 'Internal server error' });
    expect(result.body).not.toMatch(/ECONNREFUSED|10\.20\.30\.40|perimeter-directory|DirectoryError|Directory store|unavailable/);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields?.error).toBeInstanceOf(DirectoryError);
  });

  it('still answers authentication failures with 401 before touching the store', async () => {
    // Prepare
    logged.length = 0;

    // Act
    const result = await invoke('GET', '/Users', undefined, 'Bearer wrong-token-0123456789');

    // Assess
    expect(result.statusCode).toBe(401);
    expect(logged).toEqual([]);
  });
});
