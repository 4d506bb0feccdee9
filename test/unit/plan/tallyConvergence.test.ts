import { describe, expect, it } from 'vitest';
import { EMPTY_CONVERGENCE_SUMMARY } from '../../../lib/domain/ConvergenceSummary.js';
import type { Plan, PlanStep, StepAction } from '../../../lib/domain/PlanStep.js';
import { tallyConvergence } from '../../../lib/plan/tallyConvergence.js';

const person = (n: number): { id: string; userName: string } => ({ id: `p${n}`, userName: `u${n}@example.com` });
const plan = (personId: string, steps: ReadonlyArray<readonly [string, StepAction]>, notes: string[] = []): Plan => ({
  personId,
  eventId: `converge:r:${personId}`,
  notes,
  steps: steps.map(([app, action], sequence) => ({ app, action, sequence, personId }) as unknown as PlanStep),
});

describe('tallyConvergence', () => {
  it('counts steps and people per action, per app and in total, naming the people affected', () => {
    // Act
    let summary = tallyConvergence(EMPTY_CONVERGENCE_SUMMARY, person(1), plan('p1', [['crm', 'createAccount'], ['crm', 'grant'], ['crm', 'grant'], ['wiki', 'createAccount']]));
    summary = tallyConvergence(summary, person(2), plan('p2', [], ['locked by the kill switch: nothing is planned until it is lifted']));
    summary = tallyConvergence(summary, person(3), plan('p3', [['wiki', 'revokeSessions'], ['wiki', 'disableAccount']], ['wiki: no manager to transfer ownership to']));
    summary = tallyConvergence(summary, person(4), undefined);

    // Assess
    expect(summary).toEqual({
      people: 4,
      affected: 2,
      steps: 6,
      actions: {
        createAccount: { steps: 2, people: 1, sample: [{ personId: 'p1', userName: 'u1@example.com' }] },
        grant: { steps: 2, people: 1, sample: [{ personId: 'p1', userName: 'u1@example.com' }] },
        revokeSessions: { steps: 1, people: 1, sample: [{ personId: 'p3', userName: 'u3@example.com' }] },
        disableAccount: { steps: 1, people: 1, sample: [{ personId: 'p3', userName: 'u3@example.com' }] },
      },
      apps: {
        crm: {
          steps: 3,
          actions: {
            createAccount: { steps: 1, people: 1, sample: [{ personId: 'p1', userName: 'u1@example.com' }] },
            grant: { steps: 2, people: 1, sample: [{ personId: 'p1', userName: 'u1@example.com' }] },
          },
        },
        wiki: {
          steps: 3,
          actions: {
            createAccount: { steps: 1, people: 1, sample: [{ personId: 'p1', userName: 'u1@example.com' }] },
            revokeSessions: { steps: 1, people: 1, sample: [{ personId: 'p3', userName: 'u3@example.com' }] },
            disableAccount: { steps: 1, people: 1, sample: [{ personId: 'p3', userName: 'u3@example.com' }] },
          },
        },
      },
      notes: { 'locked by the kill switch: nothing is planned until it is lifted': 1, 'wiki: no manager to transfer ownership to': 1 },
    });
  });

  it('keeps only the first people of the sample, but counts everyone', () => {
    // Act
    let summary = EMPTY_CONVERGENCE_SUMMARY;
    for (let n = 0; n < 25; n++) summary = tallyConvergence(summary, person(n), plan(`p${n}`, [['crm', 'createAccount']]), 10);

    // Assess
    expect(summary.actions.createAccount?.people).toBe(25);
    expect(summary.actions.createAccount?.sample.map((p) => p.personId)).toEqual(Array.from({ length: 10 }, (_, n) => `p${n}`));
    expect(summary.apps.crm?.actions.createAccount?.sample).toHaveLength(10);
    expect(EMPTY_CONVERGENCE_SUMMARY).toEqual({ people: 0, affected: 0, steps: 0, actions: {}, apps: {}, notes: {} });
  });

  it('counts each note once a person, and keeps at most 50 distinct notes', () => {
    // Act
    let summary = EMPTY_CONVERGENCE_SUMMARY;
    for (let n = 0; n < 60; n++) summary = tallyConvergence(summary, person(n), plan(`p${n}`, [], ['crm: the connector cannot create accounts', 'crm: the connector cannot create accounts', `note ${n}`]));

    // Assess
    expect(summary.notes['crm: the connector cannot create accounts']).toBe(60);
    expect(Object.keys(summary.notes)).toHaveLength(50);
    expect(summary.notes['note 0']).toBe(1);
    expect(summary.notes['note 59']).toBeUndefined();
  });
});
