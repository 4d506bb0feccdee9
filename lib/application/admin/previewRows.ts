import type { Plan } from '../../domain/PlanStep.js';
import type { Planner } from '../../plan/Planner.js';
import type { PreviewPerson } from './previewPlans.js';

/** Each roster row's dry-run plan, in order. */
export async function previewRows(planner: Pick<Planner, 'preview'>, rows: readonly PreviewPerson[]): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const row of rows) plans.push(await planner.preview(row.person, { groups: row.groups }));
  return plans;
}
