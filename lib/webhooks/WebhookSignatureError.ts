/** A delivery whose signature or timestamp does not check out: 401, nothing written. */
export class WebhookSignatureError extends Error {
  public override readonly name = 'WebhookSignatureError';

  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
