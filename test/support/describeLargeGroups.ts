import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LargeGroupPlan, largeGroupScenario } from './largeGroupScenario.js';
import { startTestPerimeter, type TestPerimeter } from './startTestPerimeter.js';

/** The large-group scenario (largeGroupScenario) on its own Perimeter, as one test. */
export function describeLargeGroups(title: string, plan: LargeGroupPlan, timeoutMs?: number): void {
  describe(title, () => {
    let perimeter: TestPerimeter;
    beforeAll(async () => {
      perimeter = await startTestPerimeter();
    });
    afterAll(async () => {
      await perimeter?.stop();
    });

    it('builds them through POST, PUT and PATCH batches as Okta and Entra send them, removes a batch, and SCIM, the ledger and the directory agree', async () => {
      // Act
      const timings = await largeGroupScenario(perimeter, plan);

      // Assess (the agreement is asserted inside the scenario, member by member)
      expect(timings.slimGetBytes).toBeLessThan(1000);
      console.info(`${title}:`, timings);
    }, timeoutMs);
  });
}
