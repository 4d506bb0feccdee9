import { routeHref } from './routeHref.js';

/**
 * The view named by the URL fragment (#/person/<id>?asOf=…): views live there so back, forward and
 * bookmarks work, and the shell itself holds no data. An id that does not decode is kept as typed.
 */
export function parseRoute() {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = (path || 'search')
    .split('/')
    .filter(Boolean)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  return { view: parts[0] || 'search', id: parts[1], params: new URLSearchParams(query || '') };
}

/** Records a view's state in the URL without re-rendering it (search terms, "as of"). */
export function replaceParams(params) {
  const { view, id } = parseRoute();
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  const text = query.toString();
  const hash = `${id === undefined ? routeHref(view) : routeHref(view, id)}${text ? `?${text}` : ''}`;
  history.replaceState(null, '', hash);
}
