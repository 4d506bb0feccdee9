/** The ledger could not record an event (store unavailable, or a chain too contended to extend). */
export class LedgerError extends Error {
  public override readonly name = 'LedgerError';

  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
