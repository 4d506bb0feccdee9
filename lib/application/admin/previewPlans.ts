import type { PersonSnapshot } from '../../domain/PersonSnapshot.js';
import type { Plan } from '../../domain/PlanStep.js';
import type { Planner } from '../../plan/Planner.js';
import type { DirectoryStore } from '../../ports/DirectoryStore.js';
import { requirePerson } from './requirePerson.js';

/** Someone who may not be in the directory yet (a roster row), with the groups they would be in. */
export interface PreviewPerson {
  readonly person: PersonSnapshot;
  readonly groups: readonly string[];
}

export type PlanPreviewRequest = { readonly personId: string } | { readonly people: readonly PreviewPerson[] };

export interface PlanPreviewDependencies {
  readonly planner: Pick<Planner, 'preview'>;
  readonly directory: Pick<DirectoryStore, 'getUser'>;
}

/** A dry run: the steps policy would plan for a person in the directory, or for each roster row. Writes nothing. */
export async function previewPlans(deps: PlanPreviewDependencies, request: PlanPreviewRequest): Promise<{ readonly dryRun: true; readonly plans: Plan[] }> {
  if ('personId' in request) {
    const person = await requirePerson(deps.directory, request.personId);
    return { dryRun: true, plans: [await deps.planner.preview(person)] };
  }
  const plans: Plan[] = [];
  for (const row of request.people) plans.push(await deps.planner.preview(row.person, { groups: row.groups }));
  return { dryRun: true, plans };
}
