import type { AccessStore } from '../ports/AccessStore.js';

/**
 * Releases a person's link to an app account and records them as holding no account there, so no
 * later step acts on that account for them. An operator's unlink and reconciliation's release of a
 * link to an account the app no longer lists are the same two writes, in this order: the link
 * goes first, so a crash between them leaves an unlinked row the next reconciliation settles, never
 * a deleted row still pointing at the account.
 */
export async function releaseAccountLink(
  access: Pick<AccessStore, 'unlinkAccount' | 'applyActual'>,
  link: { readonly personId: string; readonly app: string; readonly linkKey: string },
  at: string,
): Promise<void> {
  await access.unlinkAccount(link.personId, link.app, link.linkKey);
  await access.applyActual(link.personId, link.app, { status: 'deleted', at });
}
