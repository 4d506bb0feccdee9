import { el, uniqueId } from './el.js';

/** A section named by its own heading, so screen readers list it as a landmark with that name. */
export function section(title, ...children) {
  const id = uniqueId('section');
  return el('section', { 'aria-labelledby': id }, el('h2', { id, text: title }), ...children);
}
