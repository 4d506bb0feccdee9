/** An audit operation was asked to do something that would weaken the evidence (e.g. seal a shorter chain). */
export class AuditError extends Error {
  public override readonly name = 'AuditError';

  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
