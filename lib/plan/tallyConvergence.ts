import type { ActionTallies, AffectedPerson, ConvergenceSummary } from '../domain/ConvergenceSummary.js';
import type { PersonSnapshot } from '../domain/PersonSnapshot.js';
import type { Plan, PlanStep } from '../domain/PlanStep.js';

/** People named per action; enough to recognise whom a run touches without listing a whole directory. */
export const CONVERGENCE_SAMPLE_SIZE = 10;
/** Distinct notes kept; a note naming something of each person's would otherwise grow with the directory. */
const MAX_NOTES = 50;

/**
 * Adds one examined person's plan to a run's summary (a new summary; the old one is left as it
 * was, so a job can keep it as its progress). `plan` is undefined when the person's part of the run
 * was planned before (a slice redone after a crash): examined, nothing new.
 */
export function tallyConvergence(summary: ConvergenceSummary, person: Pick<PersonSnapshot, 'id' | 'userName'>, plan: Plan | undefined, sampleSize = CONVERGENCE_SAMPLE_SIZE): ConvergenceSummary {
  const steps = plan?.steps ?? [];
  const notes = addNotes(summary.notes, plan?.notes ?? []);
  if (steps.length === 0) return { ...summary, people: summary.people + 1, notes };
  const who: AffectedPerson = { personId: person.id, userName: person.userName };
  const apps = { ...summary.apps };
  for (const app of new Set(steps.map((step) => step.app))) {
    const mine = steps.filter((step) => step.app === app);
    const before = apps[app] ?? { steps: 0, actions: {} };
    apps[app] = { steps: before.steps + mine.length, actions: addSteps(before.actions, mine, who, sampleSize) };
  }
  return {
    people: summary.people + 1,
    affected: summary.affected + 1,
    steps: summary.steps + steps.length,
    actions: addSteps(summary.actions, steps, who, sampleSize),
    apps,
    notes,
  };
}

function addNotes(counts: Readonly<Record<string, number>>, notes: readonly string[]): Readonly<Record<string, number>> {
  if (notes.length === 0) return counts;
  const next = { ...counts };
  for (const note of new Set(notes)) {
    if (next[note] === undefined && Object.keys(next).length >= MAX_NOTES) continue;
    next[note] = (next[note] ?? 0) + 1;
  }
  return next;
}

/** One person's steps added to the tallies: each action counts its steps, and the person once. */
function addSteps(tallies: ActionTallies, steps: readonly PlanStep[], who: AffectedPerson, sampleSize: number): ActionTallies {
  const next = { ...tallies };
  for (const action of new Set(steps.map((step) => step.action))) {
    const before = next[action] ?? { steps: 0, people: 0, sample: [] };
    next[action] = {
      steps: before.steps + steps.filter((step) => step.action === action).length,
      people: before.people + 1,
      sample: before.sample.length < sampleSize ? [...before.sample, who] : before.sample,
    };
  }
  return next;
}
