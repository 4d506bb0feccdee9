import { InMemoryCheckpointStore } from '../fakes/InMemoryCheckpointStore.js';
import { describeCheckpointStoreContract } from './checkpointStoreContract.js';

describeCheckpointStoreContract('InMemoryCheckpointStore', async () => new InMemoryCheckpointStore());
