/** DynamoDB's limits on key attribute values, in UTF-8 bytes (tables and indexes alike). */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

/**
 * Whether DynamoDB can hold an item under this key. It refuses a request naming a longer key with a
 * ValidationException, even a read; since no item can have such a key, a lookup by one must answer
 * "not found" rather than fail as if the store were down (an id from a URL or a filter is the
 * caller's to choose).
 */
export function keyFits(partitionKey: string, sortKey?: string): boolean {
  return (
    Buffer.byteLength(partitionKey, 'utf8') <= MAX_PARTITION_KEY_BYTES &&
    (sortKey === undefined || Buffer.byteLength(sortKey, 'utf8') <= MAX_SORT_KEY_BYTES)
  );
}
