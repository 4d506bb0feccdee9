import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Outbox } from '../../../lib/domain/DirectoryRecords.js';
import type { ScimReply } from '../../support/startTestPerimeter.js';
import { type Json, LIST_RESPONSE, SEARCH_REQUEST, USER, useScimPerimeter } from './scimProtocolFixture.js';

/** SCIM paging and sorting (RFC 7644 §3.4.2.3, §3.4.2.4), POST /.search (§3.4.3) and the result size limit. */
describe('SCIM 2.0 protocol (RFC 7643 / RFC 7644) over HTTP', () => {
  const { perimeter, createUser, list, expectScimError } = useScimPerimeter();

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
