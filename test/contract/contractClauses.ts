import { beforeAll, beforeEach, describe, it } from 'vitest';

export interface ContractOptions {
  /**
   * Clauses (test names) this adapter is known to break: reported, not fixed yet. Each runs as
   * `it.fails`, so the run stays green while the adapter is wrong and turns red once it is fixed,
   * which is when the entry must go. A name that matches no clause (a typo, a renamed test) fails
   * the suite.
   */
  readonly knownViolations?: readonly string[];
}

/** Declares one clause of a contract: a test run against a fresh subject. */
export type Clause<S> = (name: string, test: (subject: S) => Promise<void>) => void;

/**
 * A contract suite: `clauses` declares the tests, each of which gets a fresh subject from `open`
 * (`current()` returns it too, for helpers shared by several clauses), honouring the adapter's
 * known violations.
 */
export function describeContract<S>(title: string, open: () => Promise<S>, options: ContractOptions, clauses: (clause: Clause<S>, current: () => S) => void): void {
  describe(title, () => {
    const unmatched = new Set(options.knownViolations ?? []);
    let subject: S | undefined;
    const current = (): S => {
      if (subject === undefined) throw new Error(`${title}: no subject outside a test`);
      return subject;
    };
    beforeAll(() => {
      if (unmatched.size > 0) throw new Error(`${title}: no clause is named ${[...unmatched].map((name) => `"${name}"`).join(', ')}`);
    });
    beforeEach(async () => {
      subject = await open();
    });
    clauses((name, test) => {
      const run = (): Promise<void> => test(current());
      if (unmatched.delete(name)) it.fails(`${name} [known violation]`, run);
      else it(name, run);
    }, current);
  });
}
