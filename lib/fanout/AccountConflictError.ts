/** The log line of every account conflict: the fan-out worker's "Account conflicts" alarm counts it. */
export const ACCOUNT_CONFLICT_MESSAGE = 'Account conflict';

/**
 * A step refused because the app account it would act on is not the person's: another person's
 * link holds it, or the app said "already exists" with an account whose correlation attribute is
 * not the person's (a look-alike the app folds onto someone else). Never retried: nothing changes
 * until an operator resolves the conflict. The message names the app, the account id and the other
 * holder's person id, and no other personal data; the account itself received no call.
 */
export class AccountConflictError extends Error {
  public override readonly name = 'AccountConflictError';
  /** The failure name dead letters, the ledger and the logs carry. */
  public readonly failure = 'account-conflict';

  public constructor(
    public readonly app: string,
    public readonly accountId: string,
    message: string,
    /** The person whose link holds the account, when it is a link conflict. */
    public readonly holder?: string,
  ) {
    super(message);
  }
}
