// What the in-memory fakes share with the DynamoDB stores they stand in for.

/**
 * DynamoDB's order for string keys: by their UTF-8 bytes. The in-memory fakes sort what the adapters
 * read from a sort key or an index in this order, so a list comes back in the order DynamoDB gives.
 */
export function byKey(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A copy of a value as a store would hand it back: later changes on either side do not leak. */
export function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
