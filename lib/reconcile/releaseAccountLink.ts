import type { AccessStore } from '../ports/AccessStore.js';

/**
 * Releases a person's link to an app account and records them as holding no account there, so no
 * later step acts on that account for them: an operator's unlink and reconciliation's release of a
 * link to an account the app no longer lists. The link record goes first. A crash between the two
 * writes leaves the person's row naming the account with no link behind it: for an account gone
 * from the app the next reconciliation finds that row again and finishes the release; after an
 * operator's unlink of an account the app still has, nothing does, and a repeated unlink answers
 * that the account is linked to nobody.
 */
export async function releaseAccountLink(
  access: Pick<AccessStore, 'unlinkAccount' | 'applyActual'>,
  link: { readonly personId: string; readonly app: string; readonly linkKey: string },
  at: string,
): Promise<void> {
  await access.unlinkAccount(link.personId, link.app, link.linkKey);
  await access.applyActual(link.personId, link.app, { status: 'deleted', at });
}
