import { clear, el } from './el.js';

/** Incremented on every navigation: answers for an older view are dropped. */
let generation = 0;

/** Starts a view: clears main, sets the title, and (after a navigation) focuses the heading. */
export function beginView(title, focus) {
  generation += 1;
  const main = clear(document.getElementById('main'));
  const heading = el('h1', { tabindex: '-1', text: title });
  main.append(heading);
  document.title = `${title} · Perimeter audit console`;
  if (focus) heading.focus();
  return { main, heading, current: generation };
}

/** True once the user has moved on: an answer that arrives late must not draw into the new view. */
export function stale(view) {
  return view.current !== generation;
}
