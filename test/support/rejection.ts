import { expect } from 'vitest';

/** The error `promise` rejects with, checked to be an `ErrorClass`; fails the test if it resolves. */
export async function rejection<E extends Error>(promise: Promise<unknown>, ErrorClass: abstract new (...args: never[]) => E): Promise<E> {
  const outcome = await promise.then(
    () => ({ rejected: false as const }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  if (!outcome.rejected) throw new Error('expected the call to fail');
  expect(outcome.error).toBeInstanceOf(ErrorClass);
  return outcome.error as E;
}
