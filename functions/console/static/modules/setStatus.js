import { clear, el } from './el.js';

// Both write into the shell's ARIA live regions (#status polite, #alert assertive), so progress and
// errors are announced without moving focus.

export function setStatus(text) {
  document.getElementById('status').textContent = text;
}

export function showError(text) {
  const alert = document.getElementById('alert');
  clear(alert);
  if (text) alert.append(el('p', { text }));
}
