import { api } from './api.js';
import { stale } from './beginView.js';
import { clear, el } from './el.js';
import { formatTime, timeEl } from './formatTime.js';
import { list } from './list.js';
import { appLink } from './routeHref.js';
import { setStatus } from './setStatus.js';
import { statusEl } from './statusEl.js';
import { cell, emptyRow, table } from './table.js';

/**
 * A person's access at one moment, replayed by the API from the ledger. Each entitlement says when
 * and by which rules it was granted, which is what an auditor asks about a past access.
 */
export async function showPersonAsOf(view, personId, iso, host) {
  setStatus(`Replaying access as of ${formatTime(iso)}…`);
  const body = await api(`persons/${encodeURIComponent(personId)}/access`, { asOf: iso });
  if (stale(view)) return;
  const caption = `Access as of ${formatTime(body.asOf)}`;
  const { wrapper, tbody } = table(caption, ['App', 'Status', 'Entitlements (granted, by rule)', 'Account since', 'Last change (UTC)']);
  for (const app of body.apps || []) {
    tbody.append(
      el('tr', {},
        el('th', { scope: 'row' }, appLink(app.app)),
        cell(statusEl(app.status)),
        cell(list((app.entitlements || []).map((e) => el('span', {}, el('span', { class: 'entitlement', text: e.entitlement }), ` granted ${formatTime(e.grantedAt)}${e.rules && e.rules.length ? ` by ${e.rules.join(', ')}` : ''}`)))),
        cell(timeEl(app.since)),
        cell(timeEl(app.lastChange)),
      ),
    );
  }
  if ((body.apps || []).length === 0) emptyRow(tbody, 5, 'No access at that time.');
  clear(host).append(wrapper);
  setStatus(`${caption}: ${(body.apps || []).length} ${(body.apps || []).length === 1 ? 'app' : 'apps'}.`);
}
