import { InMemoryAccessStore } from '../fakes/InMemoryAccessStore.js';
import { describeAccessStoreContract } from './accessStoreContract.js';

describeAccessStoreContract('InMemoryAccessStore', async () => new InMemoryAccessStore());
