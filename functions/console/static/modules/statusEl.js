import { el } from './el.js';

// Words, not colours: the class only adds a border style. Values come from the API, so only
// lowercase letters and dashes reach the class name.

export function statusEl(status) {
  return el('span', { class: `access-status access-${String(status).replace(/[^a-z-]/g, '')}`, text: status });
}

export function outcomeEl(outcome) {
  return el('span', { class: `outcome outcome-${String(outcome).replace(/[^a-z-]/g, '')}`, text: outcome });
}
