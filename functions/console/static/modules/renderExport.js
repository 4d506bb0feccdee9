import { beginView, stale } from './beginView.js';
import { el, uniqueId } from './el.js';
import { exportButtons } from './exportButtons.js';
import { localInputToIso } from './formatTime.js';
import { listApps } from './listApps.js';
import { run } from './run.js';
import { utcField } from './utcField.js';

/** An export of every event in a time range, optionally of one person or one app. */
export function renderExport(params, focus) {
  const view = beginView('Export events', focus);
  const from = utcField('From', 'export-from', params.get('from'), 'UTC, inclusive; empty: 30 days before “To”');
  const to = utcField('To', 'export-to', params.get('to'), 'UTC, inclusive; empty: now');
  const personId = uniqueId('export-person');
  const appId = uniqueId('export-app');
  const appSelect = el('select', { id: appId, name: 'app', 'aria-describedby': `${appId}-hint` }, el('option', { value: '', text: 'Any app' }));
  const form = el(
    'form',
    // The buttons download; submitting the form (Enter in a field) must not navigate.
    { class: 'stack', onsubmit: (event) => event.preventDefault() },
    el('div', { class: 'inline-form' }, from.node, to.node),
    el('div', { class: 'inline-form' },
      el('div', { class: 'field' }, el('label', { for: personId, text: 'Person id (optional)' }), el('span', { class: 'hint', id: `${personId}-hint`, text: 'A person or an app, not both' }), el('input', { id: personId, name: 'person', type: 'text', autocomplete: 'off', value: params.get('person') || '', 'aria-describedby': `${personId}-hint` })),
      el('div', { class: 'field' }, el('label', { for: appId, text: 'App (optional)' }), el('span', { class: 'hint', id: `${appId}-hint`, text: 'A person or an app, not both' }), appSelect),
    ),
    exportButtons('Export the events in this range', () => {
      const person = document.getElementById(personId).value.trim();
      const app = document.getElementById(appId).value;
      if (person && app) throw new Error('Export one person or one app, not both: clear one of the two.');
      return {
        from: localInputToIso(from.input().value),
        to: localInputToIso(to.input().value),
        ...(person ? { person } : {}),
        ...(app ? { app } : {}),
      };
    }, 'perimeter-audit-export'),
  );
  view.main.append(
    el('p', { text: 'JSON Lines keeps every field of every event, hashes included, so a copy can be verified offline; CSV opens in a spreadsheet; OCSF suits a SIEM. Both ends of the range are inclusive.' }),
    form,
  );
  run(undefined, async () => {
    const apps = await listApps();
    if (stale(view)) return;
    for (const app of apps) appSelect.append(el('option', { value: app, text: app, selected: app === params.get('app') }));
  });
}
