import { inspect } from 'node:util';
import { expect } from 'vitest';

/** Neither the message nor anything reachable from the error (causes included) holds a secret. */
export function expectSecretFree(error: Error, secrets: readonly (string | undefined)[]): void {
  const everything = inspect(error, { depth: 10, showHidden: true });
  for (const secret of secrets) {
    if (secret === undefined) continue;
    expect(error.message).not.toContain(secret);
    expect(everything).not.toContain(secret);
  }
}
