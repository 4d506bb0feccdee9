import { el } from './el.js';
import { run } from './run.js';

/**
 * A listing read a page at a time: `load(view, more)` appends one page and shows `more` while there
 * is another. Nothing is read until `start(view)`, so the button's clicks belong to the view that
 * started it, and a late answer after a navigation is dropped by load's stale check.
 */
export function loadMore(content, label, load) {
  const more = el('button', { type: 'button', class: 'secondary', text: label, hidden: true });
  return {
    node: el('div', {}, content, more),
    async start(view) {
      more.onclick = () => run(more, () => load(view, more));
      await load(view, more);
    },
  };
}
