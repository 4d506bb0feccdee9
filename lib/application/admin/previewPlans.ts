import type { Job } from '../../domain/Job.js';
import type { PersonSnapshot } from '../../domain/PersonSnapshot.js';
import type { Plan } from '../../domain/PlanStep.js';
import type { Planner } from '../../plan/Planner.js';
import type { DirectoryStore } from '../../ports/DirectoryStore.js';
import type { AdminRequest } from '../AdminRequest.js';
import type { JobDefinition } from '../jobs/JobDefinition.js';
import { JOB_BUDGETS } from '../jobs/jobBudgets.js';
import type { JobRunner } from '../jobs/JobRunner.js';
import { type PlanPreviewInput, type PlanPreviewResult, rosterParts } from '../jobs/planPreviewJob.js';
import { previewRows } from './previewRows.js';
import { requirePerson } from './requirePerson.js';

/** Up to this many people are previewed in the request itself, writing nothing at all. */
const INLINE_PREVIEW_PEOPLE = 200;

/** Someone who may not be in the directory yet (a roster row), with the groups they would be in. */
export interface PreviewPerson {
  readonly person: PersonSnapshot;
  readonly groups: readonly string[];
}

export type PlanPreviewRequest = { readonly personId: string } | { readonly people: readonly PreviewPerson[] };

export interface PlanPreviewDependencies {
  readonly planner: Pick<Planner, 'preview'>;
  readonly directory: Pick<DirectoryStore, 'getUser'>;
  readonly runner: Pick<JobRunner, 'start'>;
  readonly job: JobDefinition<PlanPreviewInput, unknown, PlanPreviewResult, { readonly plans: Plan[] }>;
}

export type PlanPreviewOutcome = { readonly finished: true; readonly dryRun: true; readonly plans: Plan[] } | { readonly finished: false; readonly job: Job };

/**
 * A dry run: the steps policy would plan for a person in the directory, or for each roster row.
 * Writes nothing; a roster of more than INLINE_PREVIEW_PEOPLE runs as a job (only the job and its
 * parts are written): answered in full when it fits the request's budget, else continued in the
 * background with its plans kept as the job's result parts.
 */
export async function previewPlans(deps: PlanPreviewDependencies, request: PlanPreviewRequest, admin: AdminRequest): Promise<PlanPreviewOutcome> {
  if ('personId' in request) {
    const person = await requirePerson(deps.directory, request.personId);
    return { finished: true, dryRun: true, plans: [await deps.planner.preview(person)] };
  }
  if (request.people.length <= INLINE_PREVIEW_PEOPLE) return { finished: true, dryRun: true, plans: await previewRows(deps.planner, request.people) };
  const { input, parts } = rosterParts(request.people);
  const run = await deps.runner.start(deps.job, input, admin.actor, JOB_BUDGETS.request, parts);
  if (run.started && run.job.status === 'succeeded' && run.detail) return { finished: true, dryRun: true, plans: run.detail.plans };
  return { finished: false, job: run.job };
}
