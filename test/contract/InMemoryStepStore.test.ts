import { InMemoryStepStore } from '../fakes/InMemoryStepStore.js';
import { describeStepStoreContract } from './stepStoreContract.js';

describeStepStoreContract('InMemoryStepStore', async () => new InMemoryStepStore());
