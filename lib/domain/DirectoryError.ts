export type DirectoryErrorCode =
  /** A unique attribute (userName) is taken by another resource. */
  | 'uniqueness'
  /** The resource does not exist, or is being deleted. */
  | 'notFound'
  /** The resource changed since it was read (optimistic concurrency). */
  | 'versionMismatch'
  /** The resource has undelivered work from an earlier write; deliver it, then retry. */
  | 'outboxPending'
  /** A change names resources that cannot be there: group members that do not exist, or the group itself. */
  | 'invalidReference'
  /** The store failed (network, throttling, engine error). */
  | 'unavailable';

/** Failures and refusals of the directory, by code; each ingress maps them to its own answers. */
export class DirectoryError extends Error {
  public override readonly name = 'DirectoryError';

  public constructor(
    public readonly code: DirectoryErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
