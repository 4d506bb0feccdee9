import { InMemoryDirectoryStore } from '../fakes/InMemoryDirectoryStore.js';
import { describeDirectoryStoreContract } from './directoryStoreContract.js';

describeDirectoryStoreContract('InMemoryDirectoryStore', async () => new InMemoryDirectoryStore());
