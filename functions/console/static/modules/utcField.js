import { el, uniqueId } from './el.js';
import { isoToLocalInput } from './formatTime.js';

/** A labelled datetime-local input in UTC, with a hint tied to it by aria-describedby. */
export function utcField(label, name, value, hint = 'UTC, to the second') {
  const id = uniqueId(name);
  const hintId = `${id}-hint`;
  return {
    node: el(
      'div',
      { class: 'field' },
      el('label', { for: id, text: label }),
      el('span', { id: hintId, class: 'hint', text: hint }),
      el('input', { id, name, type: 'datetime-local', step: '1', value: isoToLocalInput(value), 'aria-describedby': hintId }),
    ),
    input() {
      return document.getElementById(id);
    },
  };
}
