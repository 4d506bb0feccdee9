import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeGroupScenario } from '../support/largeGroupScenario.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

// Groups whose writes are past what one DynamoDB item holds: the outbox of a 1,000-member write
// (its rows and a mover event per member) is about 700 KB, against the 400 KB item limit and the
// ~300 members at which the inline outbox used to fail with a 500. The same scenario at 50,000
// members runs in `npm run test:heavy` (test/heavy), which CI runs after `npm test`.
describe('SCIM groups of 1,200 members over HTTP', () => {
  let perimeter: TestPerimeter;
  beforeAll(async () => {
    perimeter = await startTestPerimeter();
  });
  afterAll(async () => {
    await perimeter?.stop();
  });

  it('builds them through POST, PUT and PATCH batches as Okta and Entra send them, removes a batch, and SCIM, the ledger and the directory agree', async () => {
    // Act
    const timings = await largeGroupScenario(perimeter, { size: 1200, entraSize: 1200, putSize: 1000, removed: 200 });

    // Assess (the agreement is asserted inside the scenario, member by member)
    expect(timings.slimGetBytes).toBeLessThan(1000);
    console.info('1,200-member groups:', timings);
  }, 300_000);
});
