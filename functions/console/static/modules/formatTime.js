import { el } from './el.js';

/** Times are shown in UTC: auditors compare them across zones and against the ledger's own. */
export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().replace('T', ' ').replace(/\.000Z$/, 'Z')}`;
}

/** A time as UTC text in a <time> element, so the machine-readable value stays beside the text. */
export function timeEl(iso) {
  if (!iso) return el('span', { text: '—' });
  return el('time', { datetime: iso, text: formatTime(iso) });
}

/** `<input type="datetime-local">` value (read as UTC) to ISO, and back. */
export function localInputToIso(value) {
  if (!value) return undefined;
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const date = new Date(`${withSeconds}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function isoToLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 19);
}
