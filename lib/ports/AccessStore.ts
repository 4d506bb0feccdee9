import type { ActualAccess, AccountStatus, PlannedAccess } from '../domain/AccessRecords.js';

/**
 * Planned and actual access per person. Planned access is written with optimistic concurrency
 * (AccessError 'versionMismatch'); actual access is a projection the executor updates with atomic
 * set operations, safe to repeat.
 */
export interface AccessStore {
  getPlanned(personId: string): Promise<PlannedAccess | undefined>;
  /** Writes `next` if the stored version is still `next.version - 1` (or absent for version 1). */
  putPlanned(next: PlannedAccess): Promise<void>;
  /** Clears pendingSteps once they are queued, if the version is unchanged. */
  clearPendingSteps(personId: string, version: number): Promise<void>;
  listPendingPlans(limit: number): Promise<PlannedAccess[]>;

  getActual(personId: string, app: string): Promise<ActualAccess | undefined>;
  listActual(personId: string): Promise<ActualAccess[]>;
  listActualByApp(app: string): Promise<ActualAccess[]>;
  /** Records the outcome of a step: status, account id, entitlements added or removed. */
  applyActual(
    personId: string,
    app: string,
    change: { status?: AccountStatus; accountId?: string; addEntitlement?: string; removeEntitlement?: string; at: string },
  ): Promise<void>;
}
