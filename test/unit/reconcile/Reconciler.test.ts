import { beforeEach, describe, expect, it } from 'vitest';
import { connectorConfigSchema } from '../../../lib/config/perimeterConfigSchema.js';
import type { UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import type { Plan } from '../../../lib/domain/PlanStep.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import { ConnectorRuntime } from '../../../lib/fanout/ConnectorRuntime.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { AccessCorrection, Planner } from '../../../lib/plan/Planner.js';
import { Reconciler } from '../../../lib/reconcile/Reconciler.js';
import { InMemoryAccessStore } from '../../fakes/InMemoryAccessStore.js';
import { InMemoryDirectoryStore } from '../../fakes/InMemoryDirectoryStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';
import { MemoryApp, memoryConnectorDefinition } from '../../fakes/MemoryConnector.js';

const T0 = '2026-03-01T12:00:00.000Z';

/** The planner's side of reconciliation, recorded: whom each correction is for and what it asks. */
class RecordingPlanner implements Pick<Planner, 'planCorrections'> {
  public readonly asked: { person: PersonSnapshot; corrections: readonly AccessCorrection[] }[] = [];
  public readonly eventIds: string[] = [];
  public async planCorrections(person: PersonSnapshot, _app: string, eventId: string, corrections: readonly AccessCorrection[]): Promise<Plan> {
    this.asked.push({ person, corrections });
    this.eventIds.push(eventId);
    return { personId: person.id, eventId, steps: [], notes: [] };
  }
}

const user = (id: string, userName: string, active: boolean): UserRecord => ({ id, userName, active, version: 1, created: T0, lastModified: T0, attributes: {} });

describe('Reconciler: fixing orphan accounts', () => {
  let chat: MemoryApp;
  let access: InMemoryAccessStore;
  let directory: InMemoryDirectoryStore;
  let planner: RecordingPlanner;
  let reconciler: Reconciler;

  beforeEach(() => {
    chat = new MemoryApp();
    access = new InMemoryAccessStore();
    directory = new InMemoryDirectoryStore();
    planner = new RecordingPlanner();
    const connectors = new ConnectorRuntime({
      configs: [connectorConfigSchema.parse({ id: 'chat', type: 'memory' })],
      registry: new Map([['memory', memoryConnectorDefinition(new Map([['chat', chat]]))]]),
      accessToken: () => async () => 'token',
    });
    reconciler = new Reconciler({ connectors, directory, access, planner, ledger: new Ledger(new InMemoryLedgerStore()), now: () => new Date(T0) });
  });

  const account = (accountId: string, userName: string): void => {
    chat.accounts.set(accountId, { account: { accountId, userName, active: true, entitlements: [] }, deleted: false });
  };
  const addUser = async (record: UserRecord): Promise<void> => {
    await directory.putUser(record, undefined, { id: `outbox-${record.id}`, createdAt: T0, events: [], memberships: [] });
  };

  it("names the account of an orphan nobody holds on its disable, for a subject carrying only the app's userName", async () => {
    // Prepare
    account('acct-stray', 'stray@example.com');

    // Act
    const report = await reconciler.reconcile('chat', true);

    // Assess
    expect(planner.eventIds).toEqual([`reconcile:${report.runId}:orphan:chat:acct-stray`]);
    expect(planner.asked).toEqual([
      {
        person: { id: 'orphan:chat:acct-stray', userName: 'stray@example.com', active: false },
        corrections: [{ action: 'disableAccount', reason: 'reconciliation: orphan account (no matching person)', accountId: 'acct-stray' }],
      },
    ]);
  });

  it("names the account its link gives to an inactive person, and disables one linked to a person gone from the directory as theirs", async () => {
    // Prepare: a leaver's linked account, and one whose person was deleted from the directory.
    await addUser(user('p1', 'ann@example.com', false));
    account('acct-ann', 'ann@example.com');
    account('acct-gone', 'gone@example.com');
    await access.applyActual('p1', 'chat', { status: 'active', accountId: 'acct-ann', at: T0 });
    await access.applyActual('p-gone', 'chat', { status: 'active', accountId: 'acct-gone', at: T0 });

    // Act
    await reconciler.reconcile('chat', true);

    // Assess
    expect(planner.asked.map(({ person, corrections }) => [person.id, corrections[0]?.accountId])).toEqual([
      ['p1', 'acct-ann'],
      ['p-gone', 'acct-gone'],
    ]);
  });

  it("plans each of an inactive person's orphan accounts as its own event, so neither is dropped as planned already", async () => {
    // Prepare: the leaver's linked account, and a second one the app holds under their name.
    await addUser(user('p1', 'ann@example.com', false));
    account('acct-old', 'ann.old@example.com');
    account('acct-ann', 'ann@example.com');
    await access.applyActual('p1', 'chat', { status: 'active', accountId: 'acct-old', at: T0 });

    // Act
    const report = await reconciler.reconcile('chat', true);

    // Assess
    expect(planner.eventIds).toEqual([`reconcile:${report.runId}:p1:acct-old`, `reconcile:${report.runId}:p1:acct-ann`]);
  });

  it("names an account matched to an inactive person by name only, so the disable acts on it and not on the person's other account", async () => {
    // Prepare
    await addUser(user('p1', 'ann@example.com', false));
    account('acct-ann', 'ann@example.com');

    // Act
    await reconciler.reconcile('chat', true);

    // Assess
    expect(planner.asked).toEqual([
      { person: expect.objectContaining({ id: 'p1' }), corrections: [{ action: 'disableAccount', reason: 'reconciliation: orphan account (person is inactive)', accountId: 'acct-ann' }] },
    ]);
  });

  describe('access the app lost', () => {
    /** An active person whose planned access gives them chat, linked to `accountId`. */
    const planned = async (id: string, userName: string, accountId: string): Promise<void> => {
      await addUser(user(id, userName, true));
      await access.putPlanned({ personId: id, version: 1, apps: { chat: { status: 'active', entitlements: [] } }, locked: false, plannedEvents: [] });
      await access.applyActual(id, 'chat', { status: 'active', accountId, at: T0 });
    };

    it('finds a link to an account gone from the app, and one disabled there by hand, and plans the create step a joiner gets', async () => {
      // Prepare: bea's account was deleted in the app, cy's disabled there, dee's is fine
      await planned('p-bea', 'bea@example.com', 'acct-bea');
      await planned('p-cy', 'cy@example.com', 'acct-cy');
      chat.accounts.set('acct-cy', { account: { accountId: 'acct-cy', userName: 'cy@example.com', active: false, entitlements: [] }, deleted: false });
      await planned('p-dee', 'dee@example.com', 'acct-dee');
      account('acct-dee', 'dee@example.com');

      // Act
      const report = await reconciler.reconcile('chat', true);

      // Assess
      expect(report.missing).toEqual([
        { personId: 'p-bea', accountId: 'acct-bea', reason: 'account gone from the app' },
        { personId: 'p-cy', accountId: 'acct-cy', reason: 'account disabled in the app' },
      ]);
      expect(report.orphans).toEqual([]);
      expect(planner.eventIds).toEqual([`reconcile:${report.runId}:p-bea:missing`, `reconcile:${report.runId}:p-cy:missing`]);
      expect(planner.asked.map((a) => a.corrections)).toEqual([
        [{ action: 'createAccount', reason: 'reconciliation: account gone from the app' }],
        [{ action: 'createAccount', reason: 'reconciliation: account disabled in the app' }],
      ]);
    });

    it('only reports without fix, and leaves people policy no longer gives the app, and leavers, alone', async () => {
      // Prepare: eve's planned access no longer has chat; fay left
      await planned('p-eve', 'eve@example.com', 'acct-eve');
      await access.putPlanned({ personId: 'p-eve', version: 2, apps: {}, locked: false, plannedEvents: [] });
      await addUser(user('p-fay', 'fay@example.com', false));
      await access.applyActual('p-fay', 'chat', { status: 'active', accountId: 'acct-fay', at: T0 });
      await planned('p-gus', 'gus@example.com', 'acct-gus');

      // Act
      const report = await reconciler.reconcile('chat', false);

      // Assess
      expect(report.missing).toEqual([{ personId: 'p-gus', accountId: 'acct-gus', reason: 'account gone from the app' }]);
      expect(planner.asked).toEqual([]);
      expect(report.staleLinks).toEqual([
        { personId: 'p-eve', accountId: 'acct-eve' },
        { personId: 'p-fay', accountId: 'acct-fay' },
      ]);
      expect(report.linksReleased).toBe(0);
    });

    it('releases the stale links of people nobody owes an account when fixing, and leaves a link to a listed account', async () => {
      // Prepare: fay left and her linked account is gone from the app; hal left and his is still there (an orphan)
      await addUser(user('p-fay', 'fay@example.com', false));
      await access.linkAccount('p-fay', 'chat', 'acct-fay', T0);
      await access.applyActual('p-fay', 'chat', { status: 'active', accountId: 'acct-fay', at: T0 });
      await addUser(user('p-hal', 'hal@example.com', false));
      await access.linkAccount('p-hal', 'chat', 'acct-hal', T0);
      await access.applyActual('p-hal', 'chat', { status: 'disabled', accountId: 'acct-hal', at: T0 });
      account('acct-hal', 'hal@example.com');

      // Act
      const report = await reconciler.reconcile('chat', true);
      const again = await reconciler.reconcile('chat', true);

      // Assess
      expect([report.staleLinks, report.linksReleased]).toEqual([[{ personId: 'p-fay', accountId: 'acct-fay' }], 1]);
      expect(await access.accountHolder('chat', 'acct-fay')).toBeUndefined();
      expect((await access.getActual('p-fay', 'chat'))?.status).toBe('deleted');
      expect(await access.accountHolder('chat', 'acct-hal')).toBe('p-hal');
      expect([again.staleLinks, again.linksReleased]).toEqual([[], 0]);
    });
  });

  it('reports an app in import mode without fixing anything in it', async () => {
    // Prepare: an account nobody holds (every account of an app not yet imported looks like this)
    const importing = new Reconciler({
      connectors: new ConnectorRuntime({
        configs: [connectorConfigSchema.parse({ id: 'chat', type: 'memory' })],
        registry: new Map([['memory', memoryConnectorDefinition(new Map([['chat', chat]]))]]),
        accessToken: () => async () => 'token',
      }),
      directory,
      access,
      planner,
      ledger: new Ledger(new InMemoryLedgerStore()),
      importing: async (app) => app === 'chat',
      now: () => new Date(T0),
    });
    account('acct-1', 'someone@example.com');

    // Act
    const report = await importing.reconcile('chat', true);

    // Assess
    expect(report).toMatchObject({ importing: true, stepsQueued: 0, orphans: [{ accountId: 'acct-1', reason: 'no matching person' }] });
    expect(planner.asked).toEqual([]);
  });
});
