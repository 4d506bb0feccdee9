import type { PerimeterConfig } from '../config/perimeterConfigSchema.js';
import type { CredentialRotation } from '../credentials/CredentialRotation.js';
import type { HrSource, HrWebhookSource } from '../domain/HrEvent.js';
import type { StepExecutor } from '../fanout/StepExecutor.js';
import type { HrEventApplier } from '../hr/HrEventApplier.js';
import type { Ledger } from '../ledger/Ledger.js';
import type { AccessStore } from '../ports/AccessStore.js';
import type { AuditStore } from '../ports/AuditStore.js';
import type { CheckpointStore } from '../ports/CheckpointStore.js';
import type { DeliveryLog } from '../ports/DeliveryLog.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import type { LedgerPruner } from '../ports/LedgerArchive.js';
import type { LedgerStore } from '../ports/LedgerStore.js';
import type { ScheduledJob, Scheduler } from '../ports/Scheduler.js';
import type { SecretStore } from '../ports/SecretStore.js';
import type { StepStore } from '../ports/StepStore.js';
import type { ScimGroups } from '../scim/ScimGroups.js';
import type { ScimUsers } from '../scim/ScimUsers.js';
import type { AdminOperations } from './admin/AdminOperations.js';
import type { ScheduledTaskName } from './scheduled/recurringSchedules.js';

/** The stores behind the application (local mode's start-up work and tests read them directly). */
export interface ApplicationStores {
  readonly directory: DirectoryStore;
  readonly ledger: LedgerStore & AuditStore & LedgerPruner;
  readonly access: AccessStore;
  readonly steps: StepStore;
  readonly checkpoints: CheckpointStore;
  readonly deliveries: DeliveryLog;
  readonly secrets: SecretStore;
}

/** What the auditor's read-only API reads. */
export interface AuditReads {
  readonly audit: AuditStore;
  readonly directory: Pick<DirectoryStore, 'listUsers' | 'getUser' | 'getUsers'>;
  readonly access: Pick<AccessStore, 'listActual' | 'listActualByApp' | 'getPlanned'>;
  readonly steps: Pick<StepStore, 'listDeadLetters'>;
  readonly checkpoints: Pick<CheckpointStore, 'latest'>;
  /** For a person's pending termination. */
  readonly scheduler: Pick<Scheduler, 'get'>;
  /** The configured apps, by id. */
  readonly apps: () => string[];
}

/** What the HR webhook endpoint needs: enabled sources, their signing secrets, replay log, and the applier. */
export interface HrIngress {
  readonly sources: Readonly<Record<HrSource, HrWebhookSource>>;
  /** Which sources are enabled, and the name of each one's signing secret. */
  readonly secretNames: Readonly<Partial<Record<HrSource, string>>>;
  readonly secrets: SecretStore;
  readonly deliveries: DeliveryLog;
  readonly applier: HrEventApplier;
}

/** What the scheduled-job entry point runs: a recurring task by name, or a one-time job that is due. */
export interface ScheduledWork {
  runTask(task: ScheduledTaskName): Promise<string>;
  runJob(job: ScheduledJob): Promise<string>;
}

/**
 * Perimeter's application, as every entry point (a Lambda handler, a local route or timer) sees it:
 * each takes the part it serves and nothing else.
 */
export interface Application {
  readonly config: PerimeterConfig;
  readonly stores: ApplicationStores;
  readonly scim: { readonly users: ScimUsers; readonly groups: ScimGroups };
  readonly hr: HrIngress;
  readonly admin: AdminOperations;
  readonly audit: AuditReads;
  readonly executor: StepExecutor;
  readonly scheduled: ScheduledWork;
  readonly rotation: CredentialRotation;
  readonly ledger: Ledger;
}
