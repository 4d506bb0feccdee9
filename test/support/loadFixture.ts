import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/**
 * A JSON fixture under test/fixtures, parsed. `replace` swaps literal text first (every occurrence),
 * so a payload copied from an IdP's documentation keeps the documentation's ids and names, and a
 * test substitutes the ids this run actually created.
 */
// biome-ignore lint: test convenience, shape asserted by each test
export function loadFixture(name: string, replace: Record<string, string> = {}): any {
  let text = readFileSync(`${FIXTURES}${name}`, 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
  return JSON.parse(text);
}
