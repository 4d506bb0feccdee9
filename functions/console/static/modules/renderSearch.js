import { api } from './api.js';
import { beginView, stale } from './beginView.js';
import { clear, el, uniqueId } from './el.js';
import { listApps } from './listApps.js';
import { replaceParams } from './parseRoute.js';
import { appLink, personLink } from './routeHref.js';
import { run } from './run.js';
import { section } from './section.js';
import { setStatus } from './setStatus.js';
import { cell, emptyRow, table } from './table.js';

/** People and apps matching one query; the query is kept in the URL, so a result can be bookmarked. */
export function renderSearch(params, focus) {
  const view = beginView('Search people and apps', focus);
  const inputId = uniqueId('query');
  const results = el('div', { class: 'results' });
  const form = el(
    'form',
    {
      role: 'search',
      class: 'inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        const query = document.getElementById(inputId).value.trim();
        replaceParams({ q: query });
        run(event.submitter, () => search(view, query, results));
      },
    },
    el('div', { class: 'field' },
      el('label', { for: inputId, text: 'Name, user name, email, id or app' }),
      el('input', { id: inputId, name: 'q', type: 'search', value: params.get('q') || '', autocomplete: 'off' }),
    ),
    el('button', { type: 'submit', text: 'Search' }),
  );
  view.main.append(form, results);
  run(undefined, () => search(view, params.get('q') || '', results));
}

async function search(view, query, results) {
  setStatus(query ? `Searching for “${query}”…` : 'Loading people and apps…');
  const [people, apps] = await Promise.all([api('persons', { query }).then((body) => body.persons || []), listApps()]);
  if (stale(view)) return;
  // The API searches people; app names are matched here, in the list read once per page load.
  const needle = query.toLowerCase();
  const matchingApps = apps.filter((app) => !needle || app.toLowerCase().includes(needle));

  const peopleTable = table(query ? `People matching “${query}”` : 'People (first 50)', ['Name', 'User name', 'Department', 'Status']);
  for (const person of people) {
    peopleTable.tbody.append(
      el('tr', {},
        el('th', { scope: 'row' }, personLink(person.id, person.displayName || person.userName)),
        cell(person.userName || ''),
        cell(person.department || ''),
        cell(person.active ? 'active' : 'inactive'),
      ),
    );
  }
  if (people.length === 0) emptyRow(peopleTable.tbody, 4, 'No person matches.');

  const appsTable = table(query ? `Apps matching “${query}”` : 'Apps', ['App']);
  for (const app of matchingApps) appsTable.tbody.append(el('tr', {}, el('th', { scope: 'row' }, appLink(app))));
  if (matchingApps.length === 0) emptyRow(appsTable.tbody, 1, 'No app matches.');

  clear(results).append(section(`People (${people.length})`, peopleTable.wrapper), section(`Apps (${matchingApps.length})`, appsTable.wrapper));
  setStatus(`${people.length} ${people.length === 1 ? 'person' : 'people'} and ${matchingApps.length} ${matchingApps.length === 1 ? 'app' : 'apps'} found.`);
}
