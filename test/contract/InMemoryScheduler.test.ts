import { InMemoryScheduler } from '../fakes/InMemoryScheduler.js';
import { describeSchedulerContract } from './schedulerContract.js';

describeSchedulerContract('InMemoryScheduler', async () => new InMemoryScheduler());
