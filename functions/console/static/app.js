// Perimeter audit console: a static, dependency-free app over the read-only /audit API, as native
// ES modules (modules/, one unit per file, imported by relative URL from this origin only).
//
// Rules every module keeps:
// - Every DOM node is built with document.createElement and filled with textContent (or appended
//   strings, which are text nodes): no innerHTML, so data is never parsed as markup. The page's
//   Content-Security-Policy enforces it (Trusted Types: an innerHTML assignment throws).
// - The bearer token lives in this tab's sessionStorage only and is sent only to this origin's /audit
//   (modules/api.js is the only module that reads or writes it).
// - Views are addressed by the URL fragment (#/person/<id>, #/app/<id>, ...) so back, forward and
//   bookmarks work; the shell itself holds no data.
//
// This entry only wires the shell's controls. The views reach the router through callbacks it hands
// them, and run() reaches the sign-in view through onSignInNeeded, so the module graph has no cycle.

import { forgetToken } from './modules/api.js';
import { render, updateChrome } from './modules/render.js';
import { renderSignIn } from './modules/renderSignIn.js';
import { onSignInNeeded } from './modules/run.js';
import { setStatus } from './modules/setStatus.js';

function signOut() {
  forgetToken();
  history.replaceState(null, '', '#/search');
  render();
  setStatus('Signed out. The token is forgotten.');
}

function start() {
  onSignInNeeded((message) => {
    updateChrome();
    renderSignIn(message, true, render);
  });
  window.addEventListener('hashchange', render);
  document.getElementById('sign-out').addEventListener('click', signOut);
  // The skip link moves focus without touching the fragment the views live in.
  document.getElementById('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    document.getElementById('main').focus();
  });
  render();
}

start();
