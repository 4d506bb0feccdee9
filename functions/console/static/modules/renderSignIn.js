import { api, saveToken } from './api.js';
import { beginView, stale } from './beginView.js';
import { el, uniqueId } from './el.js';
import { parseRoute } from './parseRoute.js';
import { run } from './run.js';
import { setStatus, showError } from './setStatus.js';

/**
 * The token form. `signedIn` draws the view the URL names once the token is accepted; it is passed
 * in because the router imports this module.
 */
export function renderSignIn(message, focus = true, signedIn) {
  const view = beginView('Sign in', false);
  const inputId = uniqueId('token');
  const hintId = `${inputId}-hint`;
  const form = el(
    'form',
    { class: 'stack', onsubmit: (event) => signIn(event, view, signedIn) },
    el('div', { class: 'field' },
      el('label', { for: inputId, text: 'Auditor or admin bearer token' }),
      el('span', { id: hintId, class: 'hint', text: 'Kept in this browser tab only (session storage) and sent only to this server’s /audit API. Closing the tab forgets it.' }),
      el('input', { id: inputId, name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': hintId }),
    ),
    el('div', {}, el('button', { type: 'submit', text: 'Sign in' })),
  );
  view.main.append(form);
  if (message) showError(message);
  if (focus) document.getElementById(inputId).focus();
}

async function signIn(event, view, signedIn) {
  event.preventDefault();
  const form = event.currentTarget;
  const value = form.elements.token.value.trim();
  if (!value) return;
  saveToken(value);
  await run(form.querySelector('button'), async () => {
    // Any cheap read proves the token before the views rely on it.
    setStatus('Checking the token…');
    await api('apps');
    if (stale(view)) return;
    setStatus('Signed in.');
    if (parseRoute().view === 'search' && !window.location.hash) history.replaceState(null, '', '#/search');
    signedIn();
  });
}
