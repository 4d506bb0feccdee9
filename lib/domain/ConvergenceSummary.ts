import type { StepAction } from './PlanStep.js';

/** Whom a step is for, as an operator recognises them. */
export interface AffectedPerson {
  readonly personId: string;
  readonly userName: string;
}

/** The steps of one action: how many, for how many people, and the first few of those people. */
export interface ActionTally {
  readonly steps: number;
  readonly people: number;
  /** The first people affected, in the order they were examined (at most the run's sample size). */
  readonly sample: readonly AffectedPerson[];
}

export type ActionTallies = Readonly<Partial<Record<StepAction, ActionTally>>>;

/**
 * What a convergence run planned (or, as a dry run, would plan): small enough to keep in a job's
 * progress and the ledger however large the directory, whoever runs it (an operator, a start-time
 * dry run).
 */
export interface ConvergenceSummary {
  /** People examined. */
  readonly people: number;
  /** People with at least one step. */
  readonly affected: number;
  readonly steps: number;
  readonly actions: ActionTallies;
  readonly apps: Readonly<Record<string, { readonly steps: number; readonly actions: ActionTallies }>>;
  /**
   * What the plans could not do, and how many people each note is about: a run that plans nothing
   * for an app whose connector cannot create accounts, or for locked people, says so.
   */
  readonly notes: Readonly<Record<string, number>>;
}

export const EMPTY_CONVERGENCE_SUMMARY: ConvergenceSummary = { people: 0, affected: 0, steps: 0, actions: {}, apps: {}, notes: {} };
