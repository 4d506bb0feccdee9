/** A correctly signed delivery whose body is not the vendor's documented shape: 400, nothing written. */
export class WebhookPayloadError extends Error {
  public override readonly name = 'WebhookPayloadError';

  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
