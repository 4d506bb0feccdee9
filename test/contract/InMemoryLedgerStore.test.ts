import { InMemoryLedgerStore } from '../fakes/InMemoryLedgerStore.js';
import { describeLedgerStoreContract } from './ledgerStoreContract.js';

describeLedgerStoreContract('InMemoryLedgerStore', async () => new InMemoryLedgerStore());
