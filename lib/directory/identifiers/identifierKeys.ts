import { canonicalUserName } from './canonicalUserName.js';
import { confusableSkeleton } from './confusableSkeleton.js';

/**
 * What a stored or looked-up identifier is compared by. Values that pass RFC 8265 are compared by
 * their canonical form; a value that fails it (one stored before the rules, or an HR email the
 * rules refuse) keeps the comparison it had before, NFC and lower case, so it still finds itself.
 */
function userName(raw: string): string {
  const canonical = canonicalUserName(raw);
  return canonical.ok ? canonical.value : raw.normalize('NFC').toLowerCase();
}

/** The look-alike key: the confusable skeleton of userName(raw). */
function lookalike(raw: string): string {
  return confusableSkeleton(userName(raw));
}

export const identifierKeys = { userName, lookalike } as const;
