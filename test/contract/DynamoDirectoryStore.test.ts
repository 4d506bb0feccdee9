import { DynamoDirectoryStore } from '../../lib/adapters/dynamodb/DynamoDirectoryStore.js';
import { directoryTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeDirectoryStoreContract } from './directoryStoreContract.js';

describeDirectoryStoreContract('DynamoDirectoryStore', onFreshTables(directoryTable, (db, tableName) => new DynamoDirectoryStore(db, tableName)), {
  knownViolations: [
    // putUser claims the userName before its conditional write, and releases the claim when that
    // write is refused, even a claim the same user already held (claimUserName succeeds on
    // "ownerId = :me"). A refused write from a stale read (or a repeated create) so frees the
    // user's current userName, and another user can then be created with it.
    "keeps a user's userName taken when a rename from a stale read is refused",
    "keeps a user's userName taken when a repeated create of it is refused",
    // Likewise the match keys the refused write "added" relative to its stale `previous` are
    // unindexed, though the stored user has them: the index no longer finds the user.
    'still finds a user by its keys after a write from a stale read is refused',
  ],
});
