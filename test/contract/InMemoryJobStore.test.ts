import { InMemoryJobStore } from '../fakes/InMemoryJobStore.js';
import { describeJobStoreContract } from './jobStoreContract.js';

describeJobStoreContract('InMemoryJobStore', async () => new InMemoryJobStore());
