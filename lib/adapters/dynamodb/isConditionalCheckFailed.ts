/** True for DynamoDB's "the condition did not hold" (not a failure of the store itself). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
