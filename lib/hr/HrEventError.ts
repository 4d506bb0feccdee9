/**
 * Why an HR event could not become a directory change: `invalid` when the directory cannot hold what
 * the event says (a work email too long to be a userName, a person too large to store), `conflict`
 * when the directory changed under it (a userName claimed meanwhile). The webhook endpoint answers
 * these with a 4xx, not as the store failures (5xx) they are not.
 */
export class HrEventError extends Error {
  public override readonly name = 'HrEventError';

  public constructor(
    public readonly reason: 'invalid' | 'conflict',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
