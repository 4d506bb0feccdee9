import type { Plan } from '../../domain/PlanStep.js';
import type { Planner } from '../../plan/Planner.js';
import type { PreviewPerson } from '../admin/previewPlans.js';
import { previewRows } from '../admin/previewRows.js';
import { chunkBySize } from './chunkBySize.js';
import type { JobDefinition } from './JobDefinition.js';

/** A stored part stays well inside DynamoDB's 400 KB item. */
export const PART_MAX_BYTES = 300_000;

export interface PlanPreviewInput {
  readonly people: number;
  /** The roster, in parts `input-0` … (written when the job starts). */
  readonly inputParts: number;
}

interface PlanPreviewProgress {
  readonly part: number;
  /** Plans of the current input part computed so far are redone on resume: previews write nothing. */
  readonly resultParts: number;
  readonly steps: number;
}

export interface PlanPreviewResult {
  readonly dryRun: true;
  readonly people: number;
  readonly steps: number;
  /** The plans, in parts `result-0` … (GET /admin/jobs/{id}/parts/result-<n>). */
  readonly resultParts: number;
}

/** The roster as job parts. */
export function rosterParts(people: readonly PreviewPerson[]): { input: PlanPreviewInput; parts: Record<string, PreviewPerson[]> } {
  const chunks = chunkBySize(people, PART_MAX_BYTES);
  return { input: { people: people.length, inputParts: chunks.length }, parts: Object.fromEntries(chunks.map((chunk, index) => [`input-${index}`, chunk])) };
}

/**
 * A dry run of a whole roster as a job: one input part per step, its plans stored as result parts.
 * Nothing is written but the job and its parts; the slice that finishes the job in one go hands the
 * plans to its caller.
 */
export function planPreviewJob(deps: { readonly planner: Pick<Planner, 'preview'>; readonly now?: () => Date }): JobDefinition<PlanPreviewInput, PlanPreviewProgress, PlanPreviewResult, { readonly plans: Plan[] }> {
  const now = deps.now ?? (() => new Date());
  return {
    kind: 'plan-preview',
    // Previews are independent; one at a time keeps a 10,000-person dry run from crowding the store.
    scopeOf: () => 'all',
    run: async (input, progress, deadline, context) => {
      let { part, resultParts, steps } = progress ?? { part: 0, resultParts: 0, steps: 0 };
      const all: Plan[] = [];
      for (; part < input.inputParts; part++) {
        if (all.length > 0 && now().getTime() >= deadline) return { done: false, progress: { part, resultParts, steps } };
        const people = ((await context.getPart(`input-${part}`)) ?? []) as PreviewPerson[];
        const plans = await previewRows(deps.planner, people);
        for (const chunk of chunkBySize(plans, PART_MAX_BYTES)) await context.putPart(`result-${resultParts++}`, chunk);
        steps += plans.reduce((sum, plan) => sum + plan.steps.length, 0);
        all.push(...plans);
      }
      const result: PlanPreviewResult = { dryRun: true, people: input.people, steps, resultParts };
      // The caller gets every plan only when this slice made them all.
      return progress ? { done: true, result } : { done: true, result, detail: { plans: all } };
    },
  };
}
