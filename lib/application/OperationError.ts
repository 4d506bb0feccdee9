export type OperationErrorKind =
  /** What the request names does not exist (a person, a connector, a dead letter). */
  | 'notFound'
  /** The request is well formed but cannot be done in the current state. */
  | 'conflict'
  /** The request asks for something this deployment cannot do at all. */
  | 'invalid'
  /** Answering would read more than one request may; the caller should narrow the question. */
  | 'tooLarge'
  /** An app the request needs answered with an error or not at all (its kind is said, never its text). */
  | 'upstream';

/**
 * A use case refused a request for a reason the caller may read. The message names the thing and
 * the reason, never a secret; each edge renders it in its own format (the JSON APIs: 404, 409, 400, 413, 502).
 */
export class OperationError extends Error {
  public override readonly name = 'OperationError';

  public constructor(
    public readonly kind: OperationErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
