import { InMemorySourceClock } from '../fakes/InMemorySourceClock.js';
import { describeSourceClockContract } from './sourceClockContract.js';

describeSourceClockContract('InMemorySourceClock', async () => new InMemorySourceClock());
