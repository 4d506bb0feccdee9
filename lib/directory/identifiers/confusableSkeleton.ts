import prototypes from 'unhomoglyph/data.json' with { type: 'json' };

/** confusables.txt as source → prototype (about 6,300 entries), read as it is: no copy at start. */
const PROTOTYPES = prototypes as Readonly<Record<string, string>>;

function prototypeOf(symbol: string): string {
  return Object.hasOwn(PROTOTYPES, symbol) ? (PROTOTYPES[symbol] as string) : symbol;
}

/** UTS #39 §4 internalSkeleton: NFD, every code point replaced by its prototype, NFD again. */
function internalSkeleton(text: string): string {
  let mapped = '';
  for (const symbol of text.normalize('NFD')) mapped += prototypeOf(symbol);
  return mapped.normalize('NFD');
}

/**
 * The UTS #39 confusable skeleton of a canonical userName (canonicalUserName's value): two names
 * whose skeletons are equal look alike ("paypal" with a Cyrillic "а", "rn" and "m", "0" and "o").
 * Prototypes may be upper case ("0" → "O") while canonical names are lower case, so the skeleton is
 * lower-cased and skeletonised once more: names are compared as the case-insensitive SCIM
 * userName they are. Data: Unicode's confusables.txt as the unhomoglyph package ships it.
 */
export function confusableSkeleton(canonical: string): string {
  return internalSkeleton(internalSkeleton(canonical).toLowerCase()).toLowerCase();
}
