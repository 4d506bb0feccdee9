/**
 * An error with an HTTP status that is safe to show the caller (status < 500). The API's error
 * middleware renders it in that API's error format (SCIM error schema, or JSON).
 */
export class HttpError extends Error {
  public override readonly name = 'HttpError';
  public readonly expose: boolean;

  public constructor(
    public readonly statusCode: number,
    message: string,
    public readonly headers: Readonly<Record<string, string>> = {},
    options?: ErrorOptions & { scimType?: string },
  ) {
    super(message, options);
    this.expose = statusCode < 500;
    this.scimType = options?.scimType;
  }

  public readonly scimType: string | undefined;
}
