import { el } from './el.js';

/** A table with a caption and column headers (`<th scope="col">`), inside a focusable scroll region. */
export function table(caption, columns, options = {}) {
  const tbody = el('tbody');
  const node = el(
    'table',
    { class: options.className },
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, columns.map((column) => el('th', { scope: 'col', text: column })))),
    tbody,
  );
  // A wide table scrolls inside a region keyboard users can focus and scroll.
  const wrapper = el('div', { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' }, node);
  return { wrapper, table: node, tbody, caption: node.querySelector('caption') };
}

export function cell(...children) {
  return el('td', {}, ...children);
}

/** A row spanning every column, so an empty table says so instead of looking unloaded. */
export function emptyRow(tbody, columns, text) {
  tbody.append(el('tr', { class: 'empty' }, el('td', { colspan: String(columns), text })));
}
