import { InMemoryDeliveryLog } from '../fakes/InMemoryDeliveryLog.js';
import { describeDeliveryLogContract } from './deliveryLogContract.js';

describeDeliveryLogContract('InMemoryDeliveryLog', async () => new InMemoryDeliveryLog());
