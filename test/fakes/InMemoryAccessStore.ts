import { AccessError } from '../../lib/domain/AccessError.js';
import type { AccountStatus, ActualAccess, PlannedAccess } from '../../lib/domain/AccessRecords.js';
import type { AccessStore } from '../../lib/ports/AccessStore.js';

/**
 * The AccessStore contract in memory, with the same optimistic concurrency as the DynamoDB adapter,
 * and a hook that runs before each putPlanned (to simulate a competing planner or a failure).
 */
export class InMemoryAccessStore implements AccessStore {
  public readonly planned = new Map<string, PlannedAccess>();
  public readonly actual = new Map<string, ActualAccess>();
  /** Every putPlanned call, including the ones that failed. */
  public readonly puts: PlannedAccess[] = [];
  public getPlannedCalls = 0;
  /** Called before each putPlanned; may write a competing version or throw. */
  public beforePut: ((next: PlannedAccess) => void) | undefined;

  public async getPlanned(personId: string): Promise<PlannedAccess | undefined> {
    this.getPlannedCalls++;
    return clone(this.planned.get(personId));
  }

  public async putPlanned(next: PlannedAccess): Promise<void> {
    this.puts.push(clone(next));
    this.beforePut?.(next);
    const current = this.planned.get(next.personId);
    if ((current?.version ?? 0) !== next.version - 1) {
      throw new AccessError('versionMismatch', `Planned access of ${next.personId} changed concurrently`);
    }
    this.planned.set(next.personId, clone(next));
  }

  public async clearPendingSteps(personId: string, version: number): Promise<void> {
    const current = this.planned.get(personId);
    if (!current || current.version !== version || !current.pendingSteps) return;
    const { pendingSteps: _done, ...rest } = current;
    this.planned.set(personId, rest);
  }

  public async listPendingPlans(limit: number): Promise<PlannedAccess[]> {
    return [...this.planned.values()].filter((p) => p.pendingSteps?.length).slice(0, limit).map((p) => clone(p));
  }

  public async getActual(personId: string, app: string): Promise<ActualAccess | undefined> {
    return clone(this.actual.get(`${personId}#${app}`));
  }

  public async listActual(personId: string): Promise<ActualAccess[]> {
    return [...this.actual.values()].filter((a) => a.personId === personId).sort((a, b) => a.app.localeCompare(b.app));
  }

  public async listActualByApp(app: string): Promise<ActualAccess[]> {
    return [...this.actual.values()].filter((a) => a.app === app);
  }

  public async applyActual(
    personId: string,
    app: string,
    change: { status?: AccountStatus; accountId?: string; addEntitlement?: string; removeEntitlement?: string; at: string },
  ): Promise<void> {
    const key = `${personId}#${app}`;
    const current = this.actual.get(key);
    const entitlements = new Set(current?.entitlements ?? []);
    if (change.addEntitlement) entitlements.add(change.addEntitlement);
    if (change.removeEntitlement) entitlements.delete(change.removeEntitlement);
    const accountId = change.accountId ?? current?.accountId;
    this.actual.set(key, {
      personId,
      app,
      status: change.status ?? current?.status ?? 'active',
      entitlements: [...entitlements].sort(),
      ...(accountId ? { accountId } : {}),
      updatedAt: change.at,
    });
  }
}

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
