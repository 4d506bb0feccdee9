import { AccessError } from '../../lib/domain/AccessError.js';
import type { AccountLinkOutcome, AccountStatus, ActualAccess, PlannedAccess } from '../../lib/domain/AccessRecords.js';
import type { AccessStore } from '../../lib/ports/AccessStore.js';
import { byKey, copy } from './storeSemantics.js';

/**
 * The AccessStore contract in memory (test/contract/accessStoreContract.ts), with the DynamoDB
 * adapter's optimistic concurrency and orderings, and a hook that runs before each putPlanned (to
 * simulate a competing planner or a failure).
 */
export class InMemoryAccessStore implements AccessStore {
  public readonly planned = new Map<string, PlannedAccess>();
  public readonly actual = new Map<string, ActualAccess>();
  /** (app, account id) → the person holding the link. */
  public readonly links = new Map<string, string>();
  /** Every putPlanned call, including the ones that failed. */
  public readonly puts: PlannedAccess[] = [];
  public getPlannedCalls = 0;
  /** Called before each putPlanned; may write a competing version or throw. */
  public beforePut: ((next: PlannedAccess) => void) | undefined;

  public async getPlanned(personId: string): Promise<PlannedAccess | undefined> {
    this.getPlannedCalls++;
    return copy(this.planned.get(personId));
  }

  public async putPlanned(next: PlannedAccess): Promise<void> {
    this.puts.push(copy(next));
    this.beforePut?.(next);
    const current = this.planned.get(next.personId);
    if ((current?.version ?? 0) !== next.version - 1) {
      throw new AccessError('versionMismatch', `Planned access of ${next.personId} changed concurrently`);
    }
    this.planned.set(next.personId, copy(next));
  }

  public async clearPendingSteps(personId: string, version: number): Promise<void> {
    const current = this.planned.get(personId);
    if (!current || current.version !== version || !current.pendingSteps) return;
    const { pendingSteps: _done, ...rest } = current;
    this.planned.set(personId, rest);
  }

  /** By person id, as the adapter's sparse `pending` index sorts them. */
  public async listPendingPlans(limit: number): Promise<PlannedAccess[]> {
    return [...this.planned.values()]
      .filter((plan) => plan.pendingSteps?.length)
      .sort((a, b) => byKey(a.personId, b.personId))
      .slice(0, limit)
      .map((plan) => copy(plan));
  }

  public async getActual(personId: string, app: string): Promise<ActualAccess | undefined> {
    return copy(this.actual.get(actualKey(personId, app)));
  }

  /** By app (the adapter's sort key). */
  public async listActual(personId: string): Promise<ActualAccess[]> {
    return [...this.actual.values()].filter((a) => a.personId === personId).sort((a, b) => byKey(a.app, b.app)).map((a) => copy(a));
  }

  /** By person id (the adapter's `byApp` index sort key). */
  public async listActualByApp(app: string): Promise<ActualAccess[]> {
    return [...this.actual.values()].filter((a) => a.app === app).sort((a, b) => byKey(a.personId, b.personId)).map((a) => copy(a));
  }

  public async applyActual(
    personId: string,
    app: string,
    change: { status?: AccountStatus; accountId?: string; addEntitlement?: string; removeEntitlement?: string; at: string },
  ): Promise<void> {
    const key = actualKey(personId, app);
    const current = this.actual.get(key);
    const entitlements = new Set(current?.entitlements ?? []);
    // One set operation per change, the add first, as the adapter's update expression does.
    if (change.addEntitlement) entitlements.add(change.addEntitlement);
    else if (change.removeEntitlement) entitlements.delete(change.removeEntitlement);
    const accountId = change.accountId || current?.accountId;
    this.actual.set(key, {
      personId,
      app,
      status: change.status || current?.status || 'active',
      // Sorted as the adapter sorts the string set it reads back.
      entitlements: [...entitlements].sort(),
      ...(accountId ? { accountId } : {}),
      updatedAt: change.at,
    });
  }

  public async accountHolder(app: string, accountId: string): Promise<string | undefined> {
    const holder = this.links.get(actualKey(app, accountId));
    if (holder !== undefined) return holder;
    // A row from before links were recorded counts, and becomes a link (the adapter's backfill).
    const legacy = (await this.listActualByApp(app)).find((row) => row.accountId === accountId && row.status !== 'deleted');
    if (legacy) this.links.set(actualKey(app, accountId), legacy.personId);
    return legacy?.personId;
  }

  public async linkAccount(personId: string, app: string, accountId: string, _at: string): Promise<AccountLinkOutcome> {
    const key = actualKey(app, accountId);
    const holder = this.links.get(key);
    if (holder !== undefined && holder !== personId) return { linked: false, holder };
    this.links.set(key, personId);
    return { linked: true };
  }

  public async unlinkAccount(personId: string, app: string, accountId: string): Promise<void> {
    const key = actualKey(app, accountId);
    if (this.links.get(key) === personId) this.links.delete(key);
  }
}

const actualKey = (personId: string, app: string): string => JSON.stringify([personId, app]);
