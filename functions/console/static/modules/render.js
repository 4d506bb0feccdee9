import { token } from './api.js';
import { beginView } from './beginView.js';
import { el } from './el.js';
import { parseRoute } from './parseRoute.js';
import { renderApp } from './renderApp.js';
import { renderChains } from './renderChains.js';
import { renderExport } from './renderExport.js';
import { renderFailures } from './renderFailures.js';
import { renderMatrix } from './renderMatrix.js';
import { renderPerson } from './renderPerson.js';
import { renderSearch } from './renderSearch.js';
import { renderSignIn } from './renderSignIn.js';
import { setStatus, showError } from './setStatus.js';

// The first render is the page load: focus stays where the browser put it (the skip link comes
// first for keyboard users). Every later one is a navigation and moves focus to the new heading.
let navigated = false;

/** Draws the view the URL names, or the sign-in form while there is no token. */
export function render() {
  const focus = navigated;
  navigated = true;
  showError('');
  setStatus('');
  updateChrome();
  if (!token()) {
    renderSignIn(undefined, focus, render);
    return;
  }
  const { view, id, params } = parseRoute();
  const views = {
    search: () => renderSearch(params, focus),
    person: () => renderPerson(id, params, focus),
    app: () => renderApp(id, params, focus),
    matrix: () => renderMatrix(focus),
    failures: () => renderFailures(params, focus, render),
    chains: () => renderChains(focus),
    export: () => renderExport(params, focus),
  };
  const show = views[view] && (id !== undefined || (view !== 'person' && view !== 'app')) ? views[view] : undefined;
  if (!show) {
    const { main } = beginView('Not found', focus);
    main.append(el('p', {}, 'There is no such view. ', el('a', { href: '#/search', text: 'Search people and apps' }), '.'));
    return;
  }
  show();
}

/** The navigation and sign-out button show only with a token; the current view is marked for AT. */
export function updateChrome() {
  const signedIn = Boolean(token());
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  const { view } = parseRoute();
  for (const link of document.querySelectorAll('#nav a')) {
    if (signedIn && link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}
