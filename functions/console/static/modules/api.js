// The only module that touches the bearer token: it lives in this tab's sessionStorage (gone when
// the tab closes, never in anything that outlives it) and is sent only to this origin's /audit.

const TOKEN_KEY = 'perimeter.console.token';

/** How many events or letters one page of a listing asks for. */
export const PAGE_SIZE = 50;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The audit API's URL, relative to the console's own (works under a stage prefix too). */
function auditUrl(path, params = {}) {
  const url = new URL(`audit/${path}`, window.location.href);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  return url;
}

/** A checked response: a refused token is forgotten at once, so the next view asks for another. */
export async function auditFetch(path, params, accept) {
  const current = token();
  if (!current) throw new ApiError(401, 'Sign in first');
  const response = await fetch(auditUrl(path, params), {
    headers: { authorization: `Bearer ${current}`, accept },
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  if (response.status === 401) {
    forgetToken();
    throw new ApiError(401, 'The token was refused. Sign in again with an auditor or admin token.');
  }
  if (!response.ok) {
    let message = `The audit API answered ${response.status}`;
    try {
      const body = await response.json();
      if (body && body.error && typeof body.error.message === 'string') message = `${message}: ${body.error.message}`;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiError(response.status, message);
  }
  return response;
}

export async function api(path, params) {
  const response = await auditFetch(path, params, 'application/json');
  return response.json();
}
