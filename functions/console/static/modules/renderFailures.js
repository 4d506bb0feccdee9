import { api, PAGE_SIZE } from './api.js';
import { beginView } from './beginView.js';
import { deadLetters } from './deadLetters.js';
import { el } from './el.js';
import { localInputToIso } from './formatTime.js';
import { replaceParams } from './parseRoute.js';
import { run } from './run.js';
import { section } from './section.js';
import { timeline } from './timeline.js';
import { utcField } from './utcField.js';

/**
 * Failed and dead-lettered steps in a time range, and the dead letters. A new range re-renders the
 * whole view (`rerender`, the router's, passed in since the router imports this module), so the
 * timeline starts again from the newest page.
 */
export async function renderFailures(params, focus, rerender) {
  const view = beginView('Failures and dead letters', focus);
  const from = utcField('From', 'failures-from', params.get('from'), 'UTC; empty: 30 days before “To”');
  const to = utcField('To', 'failures-to', params.get('to'), 'UTC; empty: now');
  const fromIso = params.get('from') || undefined;
  const toIso = params.get('to') || undefined;
  const form = el(
    'form',
    {
      class: 'inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        replaceParams({ from: localInputToIso(from.input().value), to: localInputToIso(to.input().value) });
        rerender();
      },
    },
    from.node,
    to.node,
    el('button', { type: 'submit', text: 'Show failures' }),
  );
  const failures = timeline('Failed and dead-lettered steps, newest first', {
    read: (cursor) => api('events', { outcome: 'failed,dead-lettered', order: 'desc', limit: PAGE_SIZE, cursor, from: fromIso, to: toIso }),
    showPerson: true,
    filtered: true,
    empty: 'No failures in this period.',
  });
  const letters = deadLetters();
  view.main.append(section('Failed steps', form, failures.node), section('Dead letters', letters.node));
  await run(undefined, async () => {
    await failures.start(view);
    await letters.start(view);
  });
}
