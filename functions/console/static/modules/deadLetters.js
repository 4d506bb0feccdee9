import { api, PAGE_SIZE } from './api.js';
import { stale } from './beginView.js';
import { el } from './el.js';
import { timeEl } from './formatTime.js';
import { loadMore } from './loadMore.js';
import { appLink, personLink } from './routeHref.js';
import { cell, emptyRow, table } from './table.js';

/** The steps that ran out of attempts: nothing retries them until an admin acts, so they are listed apart. */
export function deadLetters() {
  const columns = ['Dead-lettered at (UTC)', 'Step', 'Person', 'App', 'Entitlement', 'Attempts', 'Error', 'Why'];
  const { wrapper, tbody } = table('Steps waiting for an admin (dead letters)', columns);
  let cursor;
  let count = 0;
  return loadMore(wrapper, 'Load more dead letters', async (view, more) => {
    const page = await api('dead-letters', { limit: PAGE_SIZE, cursor });
    if (stale(view)) return;
    for (const letter of page.letters || []) {
      const step = letter.step || {};
      tbody.append(
        el('tr', {},
          cell(timeEl(letter.deadLetteredAt)),
          el('th', { scope: 'row' }, el('span', { text: step.action || '' }), el('span', { class: 'step-id', text: ` ${step.stepId || ''}` })),
          cell(step.personId ? personLink(step.personId, step.person && step.person.userName) : ''),
          cell(step.app ? appLink(step.app) : ''),
          cell(step.entitlement || ''),
          cell(String(letter.attempts ?? '')),
          cell(letter.error || ''),
          cell(step.reason || ''),
        ),
      );
    }
    count += (page.letters || []).length;
    cursor = page.nextCursor;
    more.hidden = !cursor;
    if (count === 0 && !cursor) emptyRow(tbody, columns.length, 'No dead letters.');
  });
}
