import { randomInt } from 'node:crypto';

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
/** Symbols both Google and Microsoft Entra accept, none that needs escaping in JSON or a URL. */
const SYMBOLS = '!#$%&*+-=?@^_';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

/**
 * A throwaway password for vendors that refuse to create an account without one (Google's
 * users.insert, Graph's passwordProfile). Perimeter provisions identities, it does not authenticate
 * them: people sign in through SSO or an admin-issued reset, so the value is sent once and then
 * forgotten — callers must never log it, store it, return it or put it in an error.
 *
 * It holds every character class, so it meets Entra's "three of four classes" rule and Google's
 * 8–100 printable-ASCII rule; characters come from the CSPRNG through `randomInt`, which has no
 * modulo bias.
 */
export function randomPassword(length = 32): string {
  if (length < 8 || length > 100) throw new RangeError('a password must be 8 to 100 characters long');
  const characters = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
  while (characters.length < length) characters.push(pick(ALL));
  // Fisher–Yates, so the guaranteed classes do not always sit in the first four places.
  for (let i = characters.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [characters[i], characters[j]] = [characters[j] as string, characters[i] as string];
  }
  return characters.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)] as string;
}
