import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import {
  type Connector,
  isAccountLister,
  isAccountManager,
  isEntitlementProvisioner,
  isOwnershipTransferrer,
  isSessionRevoker,
} from '../../lib/connector-sdk/Connector.js';
import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import type { FakeServer } from '../fakes/FakeServer.js';
import { rejection } from '../support/rejection.js';

export interface ConformanceSetup {
  /** A connector talking to `fake`, with a request timeout of at most 500 ms. */
  readonly connector: Connector;
  readonly fake: FakeServer;
  /** The bearer token the connector must send. */
  readonly token: string;
  /** Two entitlements that exist in the fake (e.g. two teams). */
  readonly entitlements: readonly [string, string];
  /** The fake's page size for account listings (the suite creates more accounts than this). */
  readonly pageSize: number;
  teardown(): Promise<void>;
}

export interface ConformanceTarget {
  /** e.g. "slack". */
  readonly name: string;
  /** Capabilities the connector must have; the suite fails if one is missing. */
  readonly capabilities: readonly ('accounts' | 'entitlements' | 'sessions' | 'ownership' | 'listing')[];
  /**
   * False when the app keeps none of the person's attributes on the account (a GitHub org
   * membership is a login and a role), so an update has nothing to write and must report unchanged.
   */
  readonly storesProfile?: boolean;
  setup(): Promise<ConformanceSetup>;
}

let counter = 0;

/** A person unique to this test run, shaped like what the planner hands connectors. */
export function conformancePerson(overrides: Partial<PersonSnapshot> = {}): PersonSnapshot {
  counter++;
  const n = `${Date.now().toString(36)}${counter}`;
  return {
    id: `person-${n}`,
    userName: `user${n}@example.com`,
    active: true,
    displayName: `Test User ${n}`,
    givenName: 'Test',
    familyName: `User${n}`,
    email: `user${n}@example.com`,
    title: 'Engineer',
    department: 'Engineering',
    ...overrides,
  };
}

const key = (label: string): string => `conformance-${label}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

const failure = (promise: Promise<unknown>): Promise<ConnectorError> => rejection(promise, ConnectorError);

/**
 * The one suite every connector passes: idempotent account lifecycle, entitlements, session
 * revocation, paginated listing, and the error contract (429 with Retry-After, 5xx, timeouts,
 * resets, malformed bodies are retryable; 401 is not) against a fake of the vendor's API.
 */
export function describeConnectorConformance(target: ConformanceTarget): void {
  describe(`${target.name} connector conformance`, () => {
    let setup: ConformanceSetup;
    beforeEach(async () => {
      setup = await target.setup();
    });
    afterEach(async () => {
      await setup.teardown();
    });

    it('implements the capabilities it declares', () => {
      const { connector } = setup;
      const has = {
        accounts: isAccountManager(connector),
        entitlements: isEntitlementProvisioner(connector),
        sessions: isSessionRevoker(connector),
        ownership: isOwnershipTransferrer(connector),
        listing: isAccountLister(connector),
      };
      for (const capability of target.capabilities) expect({ capability, present: has[capability] }).toEqual({ capability, present: true });
    });

    it('creates an account once: a second create finds it and changes nothing', async () => {
      // Prepare
      const connector = setup.connector;
      if (!isAccountManager(connector)) return expect(target.capabilities).not.toContain('accounts');
      const person = conformancePerson();

      // Act
      const first = await connector.createAccount(person, key('create'));
      const second = await connector.createAccount(person, key('create-again'));
      const found = await connector.findAccount(person);

      // Assess
      expect(first.changed).toBe(true);
      expect(second.changed).toBe(false);
      expect(second.account.accountId).toBe(first.account.accountId);
      expect(found?.accountId).toBe(first.account.accountId);
      expect(found?.active).toBe(true);
    });

    it('finds nothing for a person without an account', async () => {
      const connector = setup.connector;
      if (!isAccountManager(connector)) return;
      expect(await connector.findAccount(conformancePerson())).toBeUndefined();
    });

    it('updates an account and reports an update that changes nothing as unchanged', async () => {
      // Prepare
      const connector = setup.connector;
      if (!isAccountManager(connector)) return;
      const person = conformancePerson();
      const { account } = await connector.createAccount(person, key('create'));

      // Act
      const moved = { ...person, title: 'Staff Engineer', department: 'Platform', displayName: `${person.displayName} (moved)` };
      const updated = await connector.updateAccount(account.accountId, moved, key('update'));
      const again = await connector.updateAccount(account.accountId, moved, key('update-again'));

      // Assess
      expect(updated.changed).toBe(target.storesProfile ?? true);
      expect(updated.account.accountId).toBe(account.accountId);
      expect(again.changed).toBe(false);
    });

    it('grants and revokes entitlements idempotently', async () => {
      // Prepare
      const connector = setup.connector;
      if (!isAccountManager(connector) || !isEntitlementProvisioner(connector)) {
        return expect(target.capabilities).not.toContain('entitlements');
      }
      const { account } = await connector.createAccount(conformancePerson(), key('create'));
      const [first, second] = setup.entitlements;

      // Act
      const granted = await connector.grant(account.accountId, first, key('grant'));
      const grantedAgain = await connector.grant(account.accountId, first, key('grant-again'));
      const grantedOther = await connector.grant(account.accountId, second, key('grant-other'));
      const revoked = await connector.revoke(account.accountId, first, key('revoke'));
      const revokedAgain = await connector.revoke(account.accountId, first, key('revoke-again'));

      // Assess
      expect([granted.changed, grantedAgain.changed, grantedOther.changed]).toEqual([true, false, true]);
      expect([revoked.changed, revokedAgain.changed]).toEqual([true, false]);
    });

    it('disables an account idempotently and reports it inactive', async () => {
      // Prepare
      const connector = setup.connector;
      if (!isAccountManager(connector)) return;
      const person = conformancePerson();
      const { account } = await connector.createAccount(person, key('create'));

      // Act
      const disabled = await connector.disableAccount(account.accountId, key('disable'));
      const again = await connector.disableAccount(account.accountId, key('disable-again'));
      const found = await connector.findAccount(person);

      // Assess
      expect(disabled.changed).toBe(true);
      expect(again.changed).toBe(false);
      expect(found === undefined || found.active === false).toBe(true);
    });

    it('revokes sessions, and revoking again is not an error', async () => {
      const connector = setup.connector;
      if (!isAccountManager(connector) || !isSessionRevoker(connector)) return expect(target.capabilities).not.toContain('sessions');
      const { account } = await connector.createAccount(conformancePerson(), key('create'));
      await expect(connector.revokeSessions(account.accountId, key('sessions'))).resolves.toMatchObject({ changed: expect.any(Boolean) });
      await expect(connector.revokeSessions(account.accountId, key('sessions-again'))).resolves.toMatchObject({ changed: expect.any(Boolean) });
    });

    it('transfers ownership between two accounts', async () => {
      const connector = setup.connector;
      if (!isAccountManager(connector) || !isOwnershipTransferrer(connector)) return expect(target.capabilities).not.toContain('ownership');
      const from = await connector.createAccount(conformancePerson(), key('from'));
      const to = await connector.createAccount(conformancePerson(), key('to'));
      await expect(connector.transferOwnership(from.account.accountId, to.account.accountId, key('transfer'))).resolves.toMatchObject({
        changed: true,
      });
    });

    it('deletes an account idempotently', async () => {
      // Prepare
      const connector = setup.connector;
      if (!isAccountManager(connector)) return;
      const person = conformancePerson();
      const { account } = await connector.createAccount(person, key('create'));

      // Act
      const deleted = await connector.deleteAccount(account.accountId, key('delete'));
      const again = await connector.deleteAccount(account.accountId, key('delete-again'));
      const found = await connector.findAccount(person);

      // Assess
      expect(deleted.changed).toBe(true);
      expect(again.changed).toBe(false);
      expect(found === undefined || found.active === false).toBe(true);
    });

    it('lists every account across pages', async () => {
      // Prepare
      const connector = setup.connector;
      if (!isAccountManager(connector) || !isAccountLister(connector)) return expect(target.capabilities).not.toContain('listing');
      const created = new Set<string>();
      for (let i = 0; i < setup.pageSize * 2 + 1; i++) {
        created.add((await connector.createAccount(conformancePerson(), key(`list-${i}`))).account.accountId);
      }

      // Act
      const listed = new Set<string>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await connector.listAccounts(cursor);
        for (const account of page.accounts) listed.add(account.accountId);
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== undefined && pages < 100);

      // Assess
      expect(pages).toBeGreaterThanOrEqual(3);
      for (const id of created) expect(listed.has(id)).toBe(true);
    });

    it('sends the access token as a bearer token', async () => {
      const connector = setup.connector;
      if (!isAccountManager(connector)) return;
      await connector.findAccount(conformancePerson());
      const last = setup.fake.requests.at(-1);
      expect(last?.headers.authorization).toBe(`Bearer ${setup.token}`);
    });

    describe('error contract', () => {
      const probe = (connector: Connector): Promise<unknown> => {
        if (isAccountManager(connector)) return connector.findAccount(conformancePerson());
        if (isAccountLister(connector)) return connector.listAccounts();
        throw new Error('connector has nothing to probe');
      };

      it('turns 429 into a retryable rateLimited error carrying Retry-After', async () => {
        setup.fake.injectFault({ kind: 'status', status: 429, headers: { 'retry-after': '7' } });
        const error = await failure(probe(setup.connector));
        expect(error).toMatchObject({ kind: 'rateLimited', retryable: true, retryAfterMs: 7000 });
      });

      it('turns 5xx into a retryable unavailable error', async () => {
        setup.fake.injectFault({ kind: 'status', status: 503 });
        expect(await failure(probe(setup.connector))).toMatchObject({ kind: 'unavailable', retryable: true });
      });

      it('turns a slow answer into a retryable timeout', async () => {
        setup.fake.injectFault({ kind: 'delay', ms: 1500 });
        expect(await failure(probe(setup.connector))).toMatchObject({ kind: 'timeout', retryable: true });
      });

      it('turns a connection reset into a retryable unavailable error', async () => {
        setup.fake.injectFault({ kind: 'reset' });
        expect(await failure(probe(setup.connector))).toMatchObject({ kind: 'unavailable', retryable: true });
      });

      it('turns a malformed body into a retryable unavailable error', async () => {
        setup.fake.injectFault({ kind: 'malformed' });
        expect(await failure(probe(setup.connector))).toMatchObject({ kind: 'unavailable', retryable: true });
      });

      it('treats 401 as a non-retryable auth error and never echoes the token', async () => {
        setup.fake.injectFault({ kind: 'status', status: 401 });
        const error = await failure(probe(setup.connector));
        expect(error).toMatchObject({ kind: 'auth', retryable: false });
        expect(error.message).not.toContain(setup.token);
      });
    });
  });
}
