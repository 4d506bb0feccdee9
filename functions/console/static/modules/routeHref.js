import { el } from './el.js';

/** A fragment link to a view; ids are URI-encoded, so data never becomes a different route. */
export function routeHref(...parts) {
  return `#/${parts.map((part) => encodeURIComponent(part)).join('/')}`;
}

export function personLink(personId, label) {
  return el('a', { href: routeHref('person', personId), text: label || personId });
}

export function appLink(app) {
  return el('a', { href: routeHref('app', app), text: app });
}
