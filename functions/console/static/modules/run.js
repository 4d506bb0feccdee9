import { ApiError } from './api.js';
import { setStatus, showError } from './setStatus.js';

// What a refused token leads to (the sign-in view) is set by the entry module: importing the router
// here would make a cycle, since every view runs its actions through run().
let signInNeeded = () => {};

/** Called with the message to show when the API refuses the token. */
export function onSignInNeeded(handler) {
  signInNeeded = handler;
}

/** Runs an action from a control: busy state, status and error reporting, no double clicks. */
export async function run(control, action) {
  if (control && control.dataset.busy === 'true') return;
  showError('');
  if (control) {
    control.dataset.busy = 'true';
    control.setAttribute('aria-disabled', 'true');
  }
  try {
    await action();
  } catch (error) {
    reportError(error);
  } finally {
    if (control) {
      control.removeAttribute('aria-disabled');
      delete control.dataset.busy;
    }
  }
}

function reportError(error) {
  setStatus('');
  const message = error instanceof Error ? error.message : String(error);
  showError(message);
  if (error instanceof ApiError && error.status === 401) signInNeeded(message);
}
