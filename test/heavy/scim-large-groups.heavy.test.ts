import { describeLargeGroups } from '../support/describeLargeGroups.js';

// Okta's group reaches 50,000 by POST and PATCH; Entra's is PUT with 18,000 members (about 890 KB
// of UUIDs, under the 1 MiB request limit: a PUT cannot carry 50,000) and PATCHed to 20,000.
// Every member's rows are compared; 5,000 members' ledger chains (and every removed one's) are read.
describeLargeGroups('SCIM groups of 50,000 members over HTTP', { size: 50_000, entraSize: 20_000, putSize: 18_000, removed: 1000, checked: 5000 });
