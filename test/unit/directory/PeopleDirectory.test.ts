import { beforeEach, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../../lib/domain/DirectoryError.js';
import type { Outbox, UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import { PeopleDirectory, type WriteOrigin } from '../../../lib/directory/PeopleDirectory.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { Logger } from '../../../lib/observability/Logger.js';
import { InMemoryDirectoryStore } from '../../fakes/InMemoryDirectoryStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';
import { ledgerOnlyRelay } from '../../support/ledgerOnlyRelay.js';
import { rejection } from '../../support/rejection.js';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const idp: WriteOrigin = { source: 'idp', by: { channel: 'scim', actor: 'okta' } };
const hrAt = (happenedAt: string): WriteOrigin => ({ source: 'hr:workday', happenedAt, by: { channel: 'hr-webhook', actor: 'hr:workday' } });

/** A store whose next putUser waits until released: another writer can land in between read and write. */
class GatedStore extends InMemoryDirectoryStore {
  private gate: { reached: () => void; released: Promise<void> } | undefined;

  /** Resolves once the next putUser is waiting; call the returned function to let it through. */
  public holdNextPut(): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    this.gate = { reached, released: new Promise<void>((resolve) => (release = resolve)) };
    return { reached: reachedPromise, release };
  }

  public override async putUser(user: UserRecord, previous: UserRecord | undefined, outbox: Outbox): Promise<void> {
    const gate = this.gate;
    if (gate) {
      this.gate = undefined;
      gate.reached();
      await gate.released;
    }
    return super.putUser(user, previous, outbox);
  }
}

describe('PeopleDirectory', () => {
  let store: GatedStore;
  let ledgerStore: InMemoryLedgerStore;
  let people: PeopleDirectory;

  beforeEach(() => {
    store = new GatedStore();
    ledgerStore = new InMemoryLedgerStore();
    people = new PeopleDirectory({ store, relay: ledgerOnlyRelay(store, new Ledger(ledgerStore)), logger: silent, pause: async () => undefined });
  });

  const setTitle = (title: string) => async (current: UserRecord) => ({ ...current.attributes, title });

  it('re-applies a writer\'s change to what another writer left, never its stale whole record', async () => {
    // Prepare
    const ada = await people.create({ userName: 'ada@example.com', title: 'Engineer' }, hrAt('2026-01-01T00:00:00.000Z'));
    const hold = store.holdNextPut();

    // Act: HR's title change has read Ada; the IdP's deactivation lands before HR writes
    const hr = people.update(ada.id, hrAt('2026-01-02T00:00:00.000Z'), setTitle('Staff Engineer'));
    await hold.reached;
    await people.update(ada.id, idp, async (current) => ({ ...current.attributes, active: false }));
    hold.release();
    const written = await hr;

    // Assess
    expect(written.outcome).toBe('written');
    expect(await store.getUser(ada.id)).toMatchObject({ active: false, attributes: { title: 'Staff Engineer', active: false } });
  });

  it('decides staleness in the same conditional write: an older event that loses the race to a newer one changes nothing', async () => {
    // Prepare
    const ada = await people.create({ userName: 'ada@example.com', title: 'Engineer' }, hrAt('2026-01-01T00:00:00.000Z'));
    const hold = store.holdNextPut();

    // Act: the older event read Ada before the newer one was applied, and writes after it
    const older = people.update(ada.id, hrAt('2026-01-02T00:00:00.000Z'), setTitle('Older'));
    await hold.reached;
    const newer = await people.update(ada.id, hrAt('2026-01-03T00:00:00.000Z'), setTitle('Newer'));
    hold.release();
    const outcome = await older;

    // Assess
    expect(newer.outcome).toBe('written');
    expect(outcome).toMatchObject({ outcome: 'stale', lastAppliedAt: '2026-01-03T00:00:00.000Z' });
    expect(await store.getUser(ada.id)).toMatchObject({ attributes: { title: 'Newer' }, sources: { 'hr:workday': '2026-01-03T00:00:00.000Z' } });
  });

  it('records a change of only withheld attributes in the ledger without changing the person', async () => {
    // Prepare: fed by HR and by the IdP
    const ada = await people.create({ userName: 'ada@example.com', title: 'Engineer' }, hrAt('2026-01-01T00:00:00.000Z'));
    await people.update(ada.id, idp, async (current) => ({ ...current.attributes, displayName: 'Ada' }));

    // Act
    const write = await people.update(ada.id, idp, setTitle('CEO'));
    const chain = await ledgerStore.chain(`person#${ada.id}`);

    // Assess
    expect(write).toMatchObject({ outcome: 'unchanged', withheld: ['title'] });
    expect(write.user.attributes).toEqual({ userName: 'ada@example.com', title: 'Engineer', displayName: 'Ada' });
    expect(chain.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover', 'person.change-withheld']);
    expect(chain[2]).toMatchObject({ outcome: 'skipped', detail: { source: 'idp', owner: 'hr', attributes: ['title'] } });
  });

  it('refuses a pinned version that changed meanwhile instead of retrying, and an unknown person as notFound', async () => {
    // Prepare
    const ada = await people.create({ userName: 'ada@example.com' }, idp);
    const hold = store.holdNextPut();

    // Act
    const pinned = rejection(people.update(ada.id, idp, setTitle('A'), { pinned: true }), DirectoryError);
    await hold.reached;
    await people.update(ada.id, idp, setTitle('B'));
    hold.release();
    const missing = await rejection(people.update('nobody', idp, setTitle('C')), DirectoryError);

    // Assess
    expect((await pinned).code).toBe('versionMismatch');
    expect(missing.code).toBe('notFound');
    expect((await store.getUser(ada.id))?.attributes.title).toBe('B');
  });
});
