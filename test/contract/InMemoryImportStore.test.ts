import { InMemoryImportStore } from '../fakes/InMemoryImportStore.js';
import { describeImportStoreContract } from './importStoreContract.js';

describeImportStoreContract('InMemoryImportStore', async () => new InMemoryImportStore());
