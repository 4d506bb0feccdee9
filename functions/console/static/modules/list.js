import { el } from './el.js';

/** Several values in one cell; "none" in words, so an empty cell is never mistaken for a missing one. */
export function list(items) {
  if (!items || items.length === 0) return el('span', { class: 'none', text: 'none' });
  return el('ul', { class: 'plain' }, items.map((item) => el('li', {}, item)));
}
