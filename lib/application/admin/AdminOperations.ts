import type { Job } from '../../domain/Job.js';
import type { DeadLetter } from '../../domain/StepRecord.js';
import type { AdminRequest } from '../AdminRequest.js';
import type { applyPersonPlan } from './applyPersonPlan.js';
import type { approveAccountImport } from './approveAccountImport.js';
import type { cancelScheduledJob } from './cancelScheduledJob.js';
import type { convergeDirectory } from './convergeDirectory.js';
import type { getAccountImport } from './getAccountImport.js';
import type { importAccounts } from './importAccounts.js';
import type { listConnectors } from './listConnectors.js';
import type { listScheduledJobs } from './listScheduledJobs.js';
import type { lockOutPerson } from './lockOutPerson.js';
import type { PlanPreviewRequest, previewPlans } from './previewPlans.js';
import type { reconcileApps } from './reconcileApps.js';
import type { replayDeadLetter } from './replayDeadLetter.js';
import type { RotateCredentialResult } from './rotateConnectorCredential.js';
import type { sealLedgerNow } from './sealLedgerNow.js';
import type { AccountLinkRequest, setAccountLink } from './setAccountLink.js';
import type { setConnectorSuspended } from './setConnectorSuspended.js';
import type { unlockPerson } from './unlockPerson.js';

/**
 * The operator's use cases, each bound to exactly the dependencies it needs by the application root.
 * The admin API (and anything else that operates Perimeter) calls these and nothing below them.
 */
export interface AdminOperations {
  previewPlans(request: PlanPreviewRequest, admin: AdminRequest): ReturnType<typeof previewPlans>;
  listConnectors(): ReturnType<typeof listConnectors>;
  setConnectorSuspended(input: { readonly id: string; readonly suspended: boolean }, request: AdminRequest): ReturnType<typeof setConnectorSuspended>;
  rotateConnectorCredential(id: string, request: AdminRequest): Promise<RotateCredentialResult>;
  lockOutPerson(personId: string, request: AdminRequest): ReturnType<typeof lockOutPerson>;
  unlockPerson(personId: string, request: AdminRequest): ReturnType<typeof unlockPerson>;
  applyPersonPlan(input: { readonly personId: string; readonly app?: string }, request: AdminRequest): ReturnType<typeof applyPersonPlan>;
  sealLedger(): ReturnType<typeof sealLedgerNow>;
  /** Matches an app's existing accounts to people and keeps the report; links nothing. */
  importAccounts(app: string, request: AdminRequest): ReturnType<typeof importAccounts>;
  getAccountImport(app: string): ReturnType<typeof getAccountImport>;
  /** Links the unique matches of the report the operator read. */
  approveAccountImport(input: { readonly app: string; readonly reportId: string }, request: AdminRequest): ReturnType<typeof approveAccountImport>;
  setAccountLink(input: AccountLinkRequest, request: AdminRequest): ReturnType<typeof setAccountLink>;
  reconcile(input: { readonly app?: string; readonly fix: boolean }, request: AdminRequest): ReturnType<typeof reconcileApps>;
  converge(input: { readonly dryRun: boolean; readonly app?: string }, request: AdminRequest): ReturnType<typeof convergeDirectory>;
  getJob(jobId: string): Promise<Job>;
  getJobPart(jobId: string, name: string): Promise<unknown>;
  listDeadLetters(limit: number, cursor?: string): Promise<{ letters: DeadLetter[]; nextCursor?: string }>;
  replayDeadLetter(stepId: string, request: AdminRequest): ReturnType<typeof replayDeadLetter>;
  listScheduledJobs(page: { readonly limit: number; readonly cursor?: string }): ReturnType<typeof listScheduledJobs>;
  cancelScheduledJob(input: { readonly jobId: string; readonly reason: string }, request: AdminRequest): ReturnType<typeof cancelScheduledJob>;
}
