import { describeLargeGroups } from '../support/describeLargeGroups.js';

// Groups whose writes are past what one DynamoDB item holds: the outbox of a 1,000-member write
// (its rows and a mover event per member) is about 700 KB, against the 400 KB item limit and the
// ~300 members at which the inline outbox used to fail with a 500. The same scenario at 50,000
// members runs in `npm run test:heavy` (test/heavy), which CI runs after `npm test`.
describeLargeGroups('SCIM groups of 1,200 members over HTTP', { size: 1200, entraSize: 1200, putSize: 1000, removed: 200 }, 300_000);
