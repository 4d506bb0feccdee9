import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { connectorConfigSchema } from '../../lib/config/perimeterConfigSchema.js';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import {
  type AccountManager,
  type AppAccount,
  type Connector,
  isAccountLister,
  isAccountManager,
  isEntitlementProvisioner,
  isOwnershipTransferrer,
  isSessionRevoker,
} from '../../lib/connector-sdk/Connector.js';
import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import type { PlanStep, StepAction } from '../../lib/domain/PlanStep.js';
import { ConnectorRuntime } from '../../lib/fanout/ConnectorRuntime.js';
import { type Disposition, StepExecutor } from '../../lib/fanout/StepExecutor.js';
import { Ledger } from '../../lib/ledger/Ledger.js';
import { stepIdFor } from '../../lib/plan/stepIdFor.js';
import type { FakeServer } from '../fakes/FakeServer.js';
import { InMemoryAccessStore } from '../fakes/InMemoryAccessStore.js';
import { InMemoryLedgerStore } from '../fakes/InMemoryLedgerStore.js';
import { InMemoryStepStore } from '../fakes/InMemoryStepStore.js';
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
  /**
   * A person the app's folding makes collide with `person` although their correlation attribute
   * differs; by default the first letter (a "k") becomes KELVIN SIGN U+212A, which a
   * case-insensitive comparison by full Unicode case mapping folds to "k".
   */
  readonly lookAlike?: (person: PersonSnapshot) => PersonSnapshot;
  /**
   * How a look-alike's create fails: `account-conflict` once the app answered "already exists"
   * with the other account; `rejected` where the connector refuses the look-alike's identifier
   * before any call (GitHub logins are ASCII, so no look-alike login exists).
   */
  readonly lookAlikeFailure?: 'account-conflict' | 'rejected';
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

/** A conformance person whose userName and email start with "k" (for the KELVIN SIGN look-alike). */
function kPerson(): PersonSnapshot {
  const person = conformancePerson();
  return { ...person, userName: `k${person.userName}`, email: `k${person.email ?? ''}` };
}

const kelvinLookAlike = (person: PersonSnapshot): PersonSnapshot => ({
  ...person,
  id: `${person.id}-lookalike`,
  userName: `\u212A${person.userName.slice(1)}`,
  ...(person.email ? { email: `\u212A${person.email.slice(1)}` } : {}),
});

const APP = 'conformance-app';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The real StepExecutor over in-memory stores, running steps against the connector under test. */
function executorFor(connector: Connector): {
  access: InMemoryAccessStore;
  steps: InMemoryStepStore;
  ledger: InMemoryLedgerStore;
  run: (action: StepAction, person: PersonSnapshot, extra?: Pick<PlanStep, 'accountId'>) => Promise<Disposition & { stepId: string }>;
} {
  const access = new InMemoryAccessStore();
  const steps = new InMemoryStepStore();
  const ledger = new InMemoryLedgerStore();
  const definition = { type: 'conformance', settingsSchema: z.object({}), create: () => connector };
  const connectors = new ConnectorRuntime({
    configs: [connectorConfigSchema.parse({ id: APP, type: 'conformance', maxAttempts: 1 })],
    registry: new Map([['conformance', definition]]),
    accessToken: () => async () => 'unused',
  });
  const executor = new StepExecutor({ connectors, access, steps, ledger: new Ledger(ledger), logger: silent });
  let events = 0;
  const run = async (action: StepAction, person: PersonSnapshot, extra: Pick<PlanStep, 'accountId'> = {}): Promise<Disposition & { stepId: string }> => {
    const eventId = `evt-${++events}-${person.id}`;
    const step: PlanStep = {
      stepId: stepIdFor(eventId, APP, action, undefined, extra.accountId),
      eventId,
      plannedAt: new Date().toISOString(),
      personId: person.id,
      app: APP,
      action,
      sequence: 0,
      rules: action === 'createAccount' ? ['conformance'] : [],
      reason: `conformance ${action}`,
      person,
      ...extra,
    };
    return { ...(await executor.execute(step)), stepId: step.stepId };
  };
  return { access, steps, ledger, run };
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

    describe('account links', () => {
      /** The app's account for `person` (found by the connector), which must exist. */
      const accountOf = async (connector: Connector & AccountManager, person: PersonSnapshot): Promise<AppAccount> => {
        const found = await connector.findAccount(person);
        expect(found).toBeDefined();
        return found as AppAccount;
      };
      const lookAlikeOf = (person: PersonSnapshot): PersonSnapshot => (target.lookAlike ?? kelvinLookAlike)(person);

      it('links an account the app already holds for the person exactly, and makes no second one', async () => {
        // Prepare: an account made outside Perimeter (by hand, or by a create whose answer was lost), then disabled.
        const connector = setup.connector;
        if (!isAccountManager(connector)) return expect(target.capabilities).not.toContain('accounts');
        const person = kPerson();
        const { account } = await connector.createAccount(person, key('by-hand'));
        await connector.disableAccount(account.accountId, key('by-hand-disable'));
        const { access, run } = executorFor(connector);

        // Act
        const created = await run('createAccount', person);

        // Assess
        const found = await accountOf(connector, person);
        expect(created).toMatchObject({ kind: 'done', outcome: expect.stringMatching(/^(applied|skipped)$/) });
        expect(found).toMatchObject({ accountId: account.accountId, active: true });
        expect(await access.getActual(person.id, APP)).toMatchObject({ accountId: account.accountId, status: 'active' });
        expect([...access.links.values()]).toEqual([person.id]);
      });

      it('refuses a look-alike the app folds onto another account, which receives no call', async () => {
        // Prepare
        const connector = setup.connector;
        if (!isAccountManager(connector)) return;
        const real = kPerson();
        const { account } = await connector.createAccount(real, key('real'));
        const before = setup.fake.mutationsOf(account.accountId).length;
        const lookAlike = lookAlikeOf(real);
        const { access, steps, run } = executorFor(connector);

        // Act
        const created = await run('createAccount', lookAlike);

        // Assess
        expect(created).toMatchObject({ kind: 'done', outcome: 'dead-lettered' });
        expect(steps.letters.get(created.stepId)?.error).toMatch(new RegExp(`^${target.lookAlikeFailure ?? 'account-conflict'}: `));
        expect(setup.fake.mutationsOf(account.accountId)).toHaveLength(before);
        expect(await access.getActual(lookAlike.id, APP)).toBeUndefined();
        expect(access.links.size).toBe(0);
        expect((await accountOf(connector, real)).active).toBe(true);
        // The real person's own create still links their account: the look-alike left no claim on it.
        await run('createAccount', real);
        expect([...access.links.values()]).toEqual([real.id]);
      });

      it("refuses an account another person's link holds, naming that person, and never touches it", async () => {
        // Prepare: the real person's account, made and linked by Perimeter; a second directory entry with the same attributes.
        const connector = setup.connector;
        if (!isAccountManager(connector)) return;
        const real = kPerson();
        const { access, steps, ledger, run } = executorFor(connector);
        await run('createAccount', real);
        const account = await accountOf(connector, real);
        const before = setup.fake.mutationsOf(account.accountId).length;
        const duplicate = { ...real, id: `${real.id}-duplicate` };

        // Act
        const created = await run('createAccount', duplicate);

        // Assess
        expect(created).toMatchObject({ kind: 'done', outcome: 'dead-lettered' });
        const error = steps.letters.get(created.stepId)?.error ?? '';
        expect(error).toMatch(/^account-conflict: /);
        expect(error).toContain(`linked to person ${real.id}`);
        expect(error).not.toContain(real.userName);
        const [event] = await ledger.chain(`access#${duplicate.id}#${APP}`);
        expect(event).toMatchObject({ outcome: 'dead-lettered', detail: { failure: 'account-conflict', holder: real.id } });
        expect(setup.fake.mutationsOf(account.accountId)).toHaveLength(before);
        expect(await access.getActual(duplicate.id, APP)).toBeUndefined();
        expect((await accountOf(connector, real)).active).toBe(true);
      });

      it('disables and deletes a refused look-alike or duplicate without touching the real account', async () => {
        // Prepare
        const connector = setup.connector;
        if (!isAccountManager(connector)) return;
        const real = kPerson();
        const { run } = executorFor(connector);
        await run('createAccount', real);
        const account = await accountOf(connector, real);
        const lookAlike = lookAlikeOf(real);
        const duplicate = { ...real, id: `${real.id}-duplicate` };
        await run('createAccount', lookAlike);
        await run('createAccount', duplicate);
        const before = setup.fake.mutationsOf(account.accountId).length;

        // Act
        const outcomes = [];
        for (const person of [lookAlike, duplicate]) {
          for (const action of ['disableAccount', 'deleteAccount'] as const) outcomes.push((await run(action, person)).kind);
        }

        // Assess
        expect(outcomes).toEqual(['done', 'done', 'done', 'done']);
        expect(setup.fake.mutationsOf(account.accountId)).toHaveLength(before);
        expect(await accountOf(connector, real)).toMatchObject({ accountId: account.accountId, active: true });
      });

      it('disables an account known only by its id, for a subject without email or userName, and no other', async () => {
        // Prepare: reconciliation's orphan (an account no person holds) and someone else's account beside it.
        const connector = setup.connector;
        if (!isAccountManager(connector)) return;
        const owner = conformancePerson();
        const bystander = conformancePerson();
        const { account } = await connector.createAccount(owner, key('orphan'));
        const other = await connector.createAccount(bystander, key('bystander'));
        const before = setup.fake.mutationsOf(other.account.accountId).length;
        const orphan: PersonSnapshot = { id: `orphan:${APP}:${account.accountId}`, userName: '', active: false };
        const { access, run } = executorFor(connector);

        // Act
        const disabled = await run('disableAccount', orphan, { accountId: account.accountId });

        // Assess
        expect(disabled).toMatchObject({ kind: 'done', outcome: 'applied' });
        const found = await connector.findAccount(owner);
        expect(found === undefined || found.active === false).toBe(true);
        expect(setup.fake.mutationsOf(other.account.accountId)).toHaveLength(before);
        expect(await accountOf(connector, bystander)).toMatchObject({ accountId: other.account.accountId, active: true });
        expect(access.links.size).toBe(0);
      });

      it("re-enables a returning person's own disabled account, which their link holds", async () => {
        // Prepare
        const connector = setup.connector;
        if (!isAccountManager(connector)) return;
        const person = kPerson();
        const { access, run } = executorFor(connector);
        await run('createAccount', person);
        const account = await accountOf(connector, person);
        await run('disableAccount', person);

        // Act
        const back = await run('createAccount', person);

        // Assess
        expect(back).toMatchObject({ kind: 'done', outcome: 'applied' });
        expect(await accountOf(connector, person)).toMatchObject({ accountId: account.accountId, active: true });
        expect([...access.links.values()]).toEqual([person.id]);
      });
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
