import { api } from './api.js';
import { beginView, stale } from './beginView.js';
import { clear, el } from './el.js';
import { list } from './list.js';
import { appLink, personLink } from './routeHref.js';
import { run } from './run.js';
import { setStatus } from './setStatus.js';
import { statusEl } from './statusEl.js';
import { cell, emptyRow, table } from './table.js';

/** Everyone's current access in one table: people as rows, apps as columns. */
export async function renderMatrix(focus) {
  const view = beginView('Access matrix', focus);
  setStatus('Loading the access matrix…');
  await run(undefined, async () => {
    const body = await api('matrix');
    if (stale(view)) return;
    const apps = body.apps || [];
    const people = body.people || [];
    const { wrapper, tbody } = table('Current access: people (rows) by apps (columns)', ['Person', ...apps], { className: 'matrix' });
    for (const person of people) {
      tbody.append(
        el('tr', {},
          el('th', { scope: 'row' }, personLink(person.personId, person.userName)),
          apps.map((app) => {
            const access = person.access && person.access[app];
            if (!access) return el('td', { class: 'no-access' }, el('span', { text: 'no account' }));
            return cell(statusEl(access.status), access.entitlements && access.entitlements.length ? list(access.entitlements) : null);
          }),
        ),
      );
    }
    if (people.length === 0) emptyRow(tbody, apps.length + 1, 'Nobody has access to any app.');
    // Column headers link to each app's page.
    const headers = wrapper.querySelectorAll('thead th');
    apps.forEach((app, index) => clear(headers[index + 1]).append(appLink(app)));
    view.main.append(el('p', { class: 'hint', text: 'What has actually been applied in each app. Each cell names the account status and the entitlements.' }), wrapper);
    setStatus(`${people.length} ${people.length === 1 ? 'person' : 'people'} across ${apps.length} ${apps.length === 1 ? 'app' : 'apps'}.`);
  });
}
