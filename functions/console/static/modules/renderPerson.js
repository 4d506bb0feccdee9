import { api, PAGE_SIZE } from './api.js';
import { asOfForm } from './asOfForm.js';
import { beginView, stale } from './beginView.js';
import { el } from './el.js';
import { exportButtons } from './exportButtons.js';
import { timeEl } from './formatTime.js';
import { list } from './list.js';
import { appLink } from './routeHref.js';
import { run } from './run.js';
import { section } from './section.js';
import { setStatus } from './setStatus.js';
import { showPersonAsOf } from './showPersonAsOf.js';
import { statusEl } from './statusEl.js';
import { cell, emptyRow, table } from './table.js';
import { timeline } from './timeline.js';
import { utcField } from './utcField.js';

/**
 * One person: who they are, their access now and at a chosen time, and every recorded change.
 * The sections are built before anything is read and each answer fills its own host, so the
 * "as of" form works while the rest is still loading.
 */
export async function renderPerson(personId, params, focus) {
  const view = beginView(`Person ${personId}`, focus);
  setStatus('Loading the person…');
  const summaryHost = el('div');
  const currentHost = el('div');
  const asOfHost = el('div', { class: 'as-of-result' });
  const asOf = utcField('Access as of', 'as-of', params.get('asOf'));
  const form = asOfForm(asOf, (iso) => showPersonAsOf(view, personId, iso, asOfHost), 'Enter a date and time for “Access as of”.');
  const events = timeline('Access changes, newest first', {
    read: (cursor) => api(`persons/${encodeURIComponent(personId)}/events`, { order: 'desc', limit: PAGE_SIZE, cursor }),
    empty: 'No recorded changes.',
  });
  view.main.append(
    summaryHost,
    section('Current access', currentHost),
    section('Point-in-time access', el('p', { class: 'hint', text: 'Replayed from the ledger’s recorded step outcomes up to that time.' }), form, asOfHost),
    section('Timeline', events.node),
    section('Export', exportButtons('This person’s events', () => ({ person: personId }), `perimeter-person-${personId}`)),
  );

  await run(undefined, async () => {
    const body = await api(`persons/${encodeURIComponent(personId)}`);
    if (stale(view)) return;
    const person = body.person || {};
    const name = person.displayName || person.userName || personId;
    view.heading.textContent = name;
    document.title = `${name} · Perimeter audit console`;
    summaryHost.append(personSummary(person, body.locked, body.pendingTermination));
    currentHost.append(currentAccessTable(body.access || []));
    await events.start(view);
    if (params.get('asOf')) await showPersonAsOf(view, personId, params.get('asOf'), asOfHost);
  });
}

function personSummary(person, locked, termination) {
  const items = [
    ['User name', person.userName],
    ['Id', person.id],
    ['Email', person.email],
    ['Department', person.department],
    ['Title', person.title],
    ['Manager', person.manager],
    ['Status', person.deleted ? 'deleted from the directory' : person.active ? 'active' : 'inactive'],
    ['Kill switch', locked ? 'locked: nothing is granted until an admin unlocks' : 'not locked'],
    ['Pending termination', termination ? `scheduled for ${termination.runAt} (${termination.source} employee ${termination.employeeId})` : undefined],
  ];
  return el('dl', { class: 'summary' }, items.filter(([, value]) => value !== undefined && value !== '').map(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })]));
}

function currentAccessTable(access) {
  const { wrapper, tbody } = table('Current access per app', ['App', 'Status', 'Entitlements', 'Account id', 'Last change (UTC)']);
  for (const entry of access) {
    tbody.append(
      el('tr', {},
        el('th', { scope: 'row' }, appLink(entry.app)),
        cell(statusEl(entry.status)),
        cell(list(entry.entitlements)),
        cell(entry.accountId || ''),
        cell(timeEl(entry.updatedAt)),
      ),
    );
  }
  if (access.length === 0) emptyRow(tbody, 5, 'No access in any app.');
  return wrapper;
}
