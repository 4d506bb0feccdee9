import { api, PAGE_SIZE } from './api.js';
import { asOfForm } from './asOfForm.js';
import { beginView, stale } from './beginView.js';
import { clear, el } from './el.js';
import { exportButtons } from './exportButtons.js';
import { formatTime, timeEl } from './formatTime.js';
import { list } from './list.js';
import { personLink } from './routeHref.js';
import { run } from './run.js';
import { section } from './section.js';
import { setStatus } from './setStatus.js';
import { statusEl } from './statusEl.js';
import { cell, emptyRow, table } from './table.js';
import { timeline } from './timeline.js';
import { utcField } from './utcField.js';

/** One app: who has access (now, or as of a time), its events, and its export. */
export async function renderApp(app, params, focus) {
  const view = beginView(`App ${app}`, focus);
  const accessHost = el('div');
  const asOf = utcField('Who had access as of', 'app-as-of', params.get('asOf'), 'UTC, to the second; empty for now');
  const form = asOfForm(asOf, (iso) => showAppAccess(view, app, iso, accessHost));
  const events = timeline(`Events in ${app}, newest first`, {
    read: (cursor) => api(`apps/${encodeURIComponent(app)}/events`, { order: 'desc', limit: PAGE_SIZE, cursor }),
    showPerson: true,
    showApp: false,
    empty: 'No recorded events in this app.',
  });
  view.main.append(
    section('Who has access', form, accessHost),
    section('Events', events.node),
    section('Export', exportButtons('This app’s events', () => ({ app }), `perimeter-app-${app}`)),
  );
  await run(undefined, async () => {
    await showAppAccess(view, app, params.get('asOf') || undefined, accessHost);
    await events.start(view);
  });
}

/**
 * Access to one app now, or replayed as of a time. The last column is the account id now, but since
 * when the account existed in a replay, which is what a past access is judged by.
 */
async function showAppAccess(view, app, iso, host) {
  setStatus(iso ? `Replaying access to ${app} as of ${formatTime(iso)}…` : `Loading who has access to ${app}…`);
  const body = await api(`apps/${encodeURIComponent(app)}/access`, iso ? { asOf: iso } : {});
  if (stale(view)) return;
  const caption = iso ? `Access to ${app} as of ${formatTime(body.asOf)}` : `Access to ${app} now`;
  const { wrapper, tbody } = table(caption, ['Person', 'Status', 'Entitlements', iso ? 'Account since' : 'Account id']);
  const people = body.people || [];
  for (const person of people) {
    // The replay names each entitlement with its grant; the current view names it alone.
    const entitlements = (person.entitlements || []).map((e) => (typeof e === 'string' ? e : e.entitlement));
    tbody.append(
      el('tr', {},
        el('th', { scope: 'row' }, personLink(person.personId)),
        cell(statusEl(person.status)),
        cell(list(entitlements)),
        cell(iso ? timeEl(person.since) : person.accountId || ''),
      ),
    );
  }
  if (people.length === 0) emptyRow(tbody, 4, 'Nobody.');
  clear(host).append(wrapper);
  setStatus(`${caption}: ${people.length} ${people.length === 1 ? 'person' : 'people'}.`);
}
