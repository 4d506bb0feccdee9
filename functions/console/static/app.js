// Perimeter audit console: a static, dependency-free app over the read-only /audit API.
//
// Rules this file keeps:
// - Every DOM node is built with document.createElement and filled with textContent (or appended
//   strings, which are text nodes): no innerHTML, so data is never parsed as markup. The page's
//   Content-Security-Policy enforces it (Trusted Types: an innerHTML assignment throws).
// - The bearer token lives in this tab's sessionStorage only and is sent only to this origin's /audit.
// - Views are addressed by the URL fragment (#/person/<id>, #/app/<id>, ...) so back, forward and
//   bookmarks work; the shell itself holds no data.

const TOKEN_KEY = 'perimeter.console.token';
const PAGE_SIZE = 50;
/** Failure listings are filtered after paging; read at most this many pages per "load more". */
const MAX_EMPTY_PAGES = 10;
const EXPORT_FORMATS = [
  { format: 'jsonl', label: 'JSON Lines', extension: 'jsonl' },
  { format: 'csv', label: 'CSV', extension: 'csv' },
  { format: 'ocsf', label: 'OCSF', extension: 'ocsf.jsonl' },
];

// ---------------------------------------------------------------------------------------------
// DOM helpers

/**
 * An element: `props` sets attributes (`text` sets textContent, `on<event>` adds a listener), and
 * children are elements or strings (strings become text nodes, never markup).
 */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

function clear(node) {
  node.replaceChildren();
  return node;
}

let uniqueCounter = 0;
function uniqueId(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

/** A fragment link to a view; ids are URI-encoded, so data never becomes a different route. */
function routeHref(...parts) {
  return `#/${parts.map((part) => encodeURIComponent(part)).join('/')}`;
}

function personLink(personId, label) {
  return el('a', { href: routeHref('person', personId), text: label || personId });
}

function appLink(app) {
  return el('a', { href: routeHref('app', app), text: app });
}

/** A time as UTC text in a <time> element (auditors compare times across zones). */
function timeEl(iso) {
  if (!iso) return el('span', { text: '—' });
  return el('time', { datetime: iso, text: formatTime(iso) });
}

function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().replace('T', ' ').replace(/\.000Z$/, 'Z')}`;
}

/** `<input type="datetime-local">` value (read as UTC) to ISO, and back. */
function localInputToIso(value) {
  if (!value) return undefined;
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const date = new Date(`${withSeconds}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function isoToLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 19);
}

/** A table with a caption and column headers (`<th scope="col">`), inside a focusable scroll region. */
function table(caption, columns, options = {}) {
  const tbody = el('tbody');
  const node = el(
    'table',
    { class: options.className },
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, columns.map((column) => el('th', { scope: 'col', text: column })))),
    tbody,
  );
  // A wide table scrolls inside a region keyboard users can focus and scroll.
  const wrapper = el('div', { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' }, node);
  return { wrapper, table: node, tbody, caption: node.querySelector('caption') };
}

function cell(...children) {
  return el('td', {}, ...children);
}

function emptyRow(tbody, columns, text) {
  tbody.append(el('tr', { class: 'empty' }, el('td', { colspan: String(columns), text })));
}

function section(title, ...children) {
  const id = uniqueId('section');
  return el('section', { 'aria-labelledby': id }, el('h2', { id, text: title }), ...children);
}

/** A labelled datetime-local input in UTC, with a hint tied to it by aria-describedby. */
function utcField(label, name, value, hint = 'UTC, to the second') {
  const id = uniqueId(name);
  const hintId = `${id}-hint`;
  return {
    node: el(
      'div',
      { class: 'field' },
      el('label', { for: id, text: label }),
      el('span', { id: hintId, class: 'hint', text: hint }),
      el('input', { id, name, type: 'datetime-local', step: '1', value: isoToLocalInput(value), 'aria-describedby': hintId }),
    ),
    input() {
      return document.getElementById(id);
    },
  };
}

function outcomeEl(outcome) {
  // Words, not colours: the class only adds a border style.
  return el('span', { class: `outcome outcome-${String(outcome).replace(/[^a-z-]/g, '')}`, text: outcome });
}

function statusEl(status) {
  return el('span', { class: `access-status access-${String(status).replace(/[^a-z-]/g, '')}`, text: status });
}

function list(items) {
  if (!items || items.length === 0) return el('span', { class: 'none', text: 'none' });
  return el('ul', { class: 'plain' }, items.map((item) => el('li', {}, item)));
}

// ---------------------------------------------------------------------------------------------
// Status and errors (ARIA live regions in the shell)

function setStatus(text) {
  document.getElementById('status').textContent = text;
}

function showError(text) {
  const alert = document.getElementById('alert');
  clear(alert);
  if (text) alert.append(el('p', { text }));
}

// ---------------------------------------------------------------------------------------------
// The API

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The audit API's URL, relative to the console's own (works under a stage prefix too). */
function auditUrl(path, params = {}) {
  const url = new URL(`audit/${path}`, window.location.href);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  return url;
}

async function auditFetch(path, params, accept) {
  const current = token();
  if (!current) throw new ApiError(401, 'Sign in first');
  const response = await fetch(auditUrl(path, params), {
    headers: { authorization: `Bearer ${current}`, accept },
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
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

async function api(path, params) {
  const response = await auditFetch(path, params, 'application/json');
  return response.json();
}

/** Reads an export with the bearer token and hands it to the browser as a file download. */
async function downloadExport(params, baseName) {
  const format = EXPORT_FORMATS.find((f) => f.format === params.format);
  setStatus(`Preparing the ${format.label} export…`);
  const response = await auditFetch('export', params, '*/*');
  const blob = await response.blob();
  const name = fileNameFrom(response.headers.get('content-disposition')) || `${safeFileName(baseName)}.${format.extension}`;
  const href = URL.createObjectURL(blob);
  const link = el('a', { href, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  setStatus(`Downloaded ${name} (${blob.size} bytes).`);
  if (response.headers.get('x-next-cursor')) {
    showError(`${name} holds only the first part of the events (one export is capped); narrow the time range and export the rest.`);
  }
}

function fileNameFrom(disposition) {
  if (!disposition) return undefined;
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  if (!match) return undefined;
  let name = match[1];
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep as sent
  }
  return safeFileName(name);
}

function safeFileName(name) {
  return String(name).replace(/[^\w.-]+/g, '_').slice(0, 120) || 'perimeter-audit';
}

/** The export buttons for one scope (a person, an app, or a time range read at click time). */
function exportButtons(legend, paramsFor, baseName) {
  return el(
    'fieldset',
    { class: 'export' },
    el('legend', { text: legend }),
    EXPORT_FORMATS.map(({ format, label }) =>
      el('button', {
        type: 'button',
        text: `Export ${label}`,
        onclick: (event) => run(event.currentTarget, () => downloadExport({ format, ...paramsFor() }, baseName)),
      }),
    ),
  );
}

/** Runs an action from a control: busy state, status and error reporting, no double clicks. */
async function run(control, action) {
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
  if (error instanceof ApiError && error.status === 401) {
    updateChrome();
    renderSignIn(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Routing

/** Incremented on every navigation: answers for an older view are dropped. */
let generation = 0;

function parseRoute() {
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
function replaceParams(params) {
  const { view, id } = parseRoute();
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  const text = query.toString();
  const hash = `${id === undefined ? routeHref(view) : routeHref(view, id)}${text ? `?${text}` : ''}`;
  history.replaceState(null, '', hash);
}

function updateChrome() {
  const signedIn = Boolean(token());
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  const { view } = parseRoute();
  for (const link of document.querySelectorAll('#nav a')) {
    if (signedIn && link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/** Starts a view: clears main, sets the title, and (after a navigation) focuses the heading. */
function beginView(title, focus) {
  generation += 1;
  const main = clear(document.getElementById('main'));
  const heading = el('h1', { tabindex: '-1', text: title });
  main.append(heading);
  document.title = `${title} · Perimeter audit console`;
  if (focus) heading.focus();
  return { main, heading, current: generation };
}

function stale(view) {
  return view.current !== generation;
}

let navigated = false;

function render() {
  const focus = navigated;
  navigated = true;
  showError('');
  setStatus('');
  updateChrome();
  if (!token()) {
    renderSignIn(undefined, focus);
    return;
  }
  const { view, id, params } = parseRoute();
  const views = {
    search: () => renderSearch(params, focus),
    person: () => renderPerson(id, params, focus),
    app: () => renderApp(id, params, focus),
    matrix: () => renderMatrix(focus),
    failures: () => renderFailures(params, focus),
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

// ---------------------------------------------------------------------------------------------
// Sign in

function renderSignIn(message, focus = true) {
  const view = beginView('Sign in', false);
  const inputId = uniqueId('token');
  const hintId = `${inputId}-hint`;
  const form = el(
    'form',
    { class: 'stack', onsubmit: (event) => signIn(event, view) },
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

async function signIn(event, view) {
  event.preventDefault();
  const form = event.currentTarget;
  const value = form.elements.token.value.trim();
  if (!value) return;
  sessionStorage.setItem(TOKEN_KEY, value);
  await run(form.querySelector('button'), async () => {
    setStatus('Checking the token…');
    await api('apps');
    if (stale(view)) return;
    setStatus('Signed in.');
    if (parseRoute().view === 'search' && !window.location.hash) history.replaceState(null, '', '#/search');
    render();
  });
}

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  history.replaceState(null, '', '#/search');
  render();
  setStatus('Signed out. The token is forgotten.');
}

// ---------------------------------------------------------------------------------------------
// Search: people and apps

function renderSearch(params, focus) {
  const view = beginView('Search people and apps', focus);
  const inputId = uniqueId('query');
  const results = el('div', { class: 'results' });
  const form = el(
    'form',
    {
      role: 'search',
      class: 'inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        const query = document.getElementById(inputId).value.trim();
        replaceParams({ q: query });
        run(event.submitter, () => search(view, query, results));
      },
    },
    el('div', { class: 'field' },
      el('label', { for: inputId, text: 'Name, user name, email, id or app' }),
      el('input', { id: inputId, name: 'q', type: 'search', value: params.get('q') || '', autocomplete: 'off' }),
    ),
    el('button', { type: 'submit', text: 'Search' }),
  );
  view.main.append(form, results);
  run(undefined, () => search(view, params.get('q') || '', results));
}

let appsCache;
async function listApps() {
  appsCache ??= api('apps').then((body) => body.apps || []);
  try {
    return await appsCache;
  } catch (error) {
    appsCache = undefined;
    throw error;
  }
}

async function search(view, query, results) {
  setStatus(query ? `Searching for “${query}”…` : 'Loading people and apps…');
  const [people, apps] = await Promise.all([api('persons', { query }).then((body) => body.persons || []), listApps()]);
  if (stale(view)) return;
  const needle = query.toLowerCase();
  const matchingApps = apps.filter((app) => !needle || app.toLowerCase().includes(needle));

  const peopleTable = table(query ? `People matching “${query}”` : 'People (first 50)', ['Name', 'User name', 'Department', 'Status']);
  for (const person of people) {
    peopleTable.tbody.append(
      el('tr', {},
        el('th', { scope: 'row' }, personLink(person.id, person.displayName || person.userName)),
        cell(person.userName || ''),
        cell(person.department || ''),
        cell(person.active ? 'active' : 'inactive'),
      ),
    );
  }
  if (people.length === 0) emptyRow(peopleTable.tbody, 4, 'No person matches.');

  const appsTable = table(query ? `Apps matching “${query}”` : 'Apps', ['App']);
  for (const app of matchingApps) appsTable.tbody.append(el('tr', {}, el('th', { scope: 'row' }, appLink(app))));
  if (matchingApps.length === 0) emptyRow(appsTable.tbody, 1, 'No app matches.');

  clear(results).append(section(`People (${people.length})`, peopleTable.wrapper), section(`Apps (${matchingApps.length})`, appsTable.wrapper));
  setStatus(`${people.length} ${people.length === 1 ? 'person' : 'people'} and ${matchingApps.length} ${matchingApps.length === 1 ? 'app' : 'apps'} found.`);
}

// ---------------------------------------------------------------------------------------------
// Timelines (a person's or an app's events, failures)

/**
 * A paginated event table, newest first. Step outcomes name the lifecycle event they served; once
 * that event is on a loaded page, its source (channel, actor, request id) is shown beside the step.
 */
function timeline(caption, options) {
  const showApp = options.showApp !== false;
  const columns = ['Time (UTC)', 'Type', ...(options.showPerson ? ['Person'] : []), ...(showApp ? ['App'] : []), 'Entitlement', 'Outcome', 'Rule', 'Source', 'Detail'];
  const { wrapper, tbody } = table(caption, columns, { className: 'timeline' });
  const more = el('button', { type: 'button', class: 'secondary', text: 'Load older events', hidden: true });
  const lifecycle = new Map();
  const waiting = new Map();
  let cursor;
  let count = 0;

  function sourceText(source) {
    if (!source) return '';
    return [source.channel, source.actor, source.requestId ? `request ${source.requestId}` : undefined].filter(Boolean).join(' · ');
  }

  function fillSource(target, lifecycleEvent) {
    clear(target).append(el('span', { class: 'source-event', text: lifecycleEvent.type }), el('span', { class: 'source-line', text: sourceText(lifecycleEvent.source) }));
  }

  function row(event) {
    const detail = event.detail || {};
    const sourceCell = el('td', { class: 'source' });
    const lifecycleEventId = typeof detail.lifecycleEventId === 'string' ? detail.lifecycleEventId : undefined;
    if (event.type.startsWith('lifecycle.') || !lifecycleEventId) {
      sourceCell.append(el('span', { class: 'source-line', text: sourceText(event.source) }));
    } else if (lifecycle.has(lifecycleEventId)) {
      fillSource(sourceCell, lifecycle.get(lifecycleEventId));
    } else {
      sourceCell.append(el('span', { class: 'source-event', text: `lifecycle event ${lifecycleEventId}` }), el('span', { class: 'source-line', text: sourceText(event.source) }));
      waiting.set(lifecycleEventId, [...(waiting.get(lifecycleEventId) || []), sourceCell]);
    }
    const notes = [];
    if (typeof detail.reason === 'string') notes.push(detail.reason);
    if (typeof detail.outcomeReason === 'string') notes.push(detail.outcomeReason);
    if (typeof detail.error === 'string') notes.push(`error: ${detail.error}`);
    if (Array.isArray(detail.changes) && detail.changes.length) notes.push(`changed: ${detail.changes.join(', ')}`);
    return el(
      'tr',
      { 'data-event-type': event.type, 'data-chain': event.chain, 'data-seq': String(event.seq) },
      el('td', {}, timeEl(event.recordedAt)),
      el('th', { scope: 'row', text: event.type }),
      options.showPerson ? cell(event.personId ? personLink(event.personId) : '') : null,
      showApp ? cell(event.app ? appLink(event.app) : '') : null,
      cell(event.entitlement || ''),
      cell(outcomeEl(event.outcome)),
      cell(event.rule ? list(event.rule.split(',')) : ''),
      sourceCell,
      cell(notes.length ? list(notes) : ''),
    );
  }

  function add(events) {
    for (const event of events) {
      if (event.type.startsWith('lifecycle.')) {
        lifecycle.set(event.eventId, event);
        for (const target of waiting.get(event.eventId) || []) fillSource(target, event);
        waiting.delete(event.eventId);
      }
    }
    for (const event of events) tbody.append(row(event));
    count += events.length;
  }

  async function load(view) {
    let pages = 0;
    let added = 0;
    do {
      const page = await options.read(cursor);
      if (stale(view)) return;
      add(page.events || []);
      added += (page.events || []).length;
      cursor = page.nextCursor;
      pages += 1;
    } while (options.filtered && added === 0 && cursor && pages < MAX_EMPTY_PAGES);
    more.hidden = !cursor;
    if (count === 0 && !cursor) emptyRow(tbody, columns.length, options.empty || 'No events.');
    setStatus(`${count} ${count === 1 ? 'event' : 'events'} shown${cursor ? '; older events can be loaded' : ''}.`);
  }

  return {
    node: el('div', {}, wrapper, more),
    async start(view) {
      more.onclick = () => run(more, () => load(view));
      await load(view);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A person

async function renderPerson(personId, params, focus) {
  const view = beginView(`Person ${personId}`, focus);
  setStatus('Loading the person…');
  const summaryHost = el('div');
  const currentHost = el('div');
  const asOfHost = el('div', { class: 'as-of-result' });
  const asOf = utcField('Access as of', 'as-of', params.get('asOf'));
  const asOfForm = el(
    'form',
    {
      class: 'inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        const iso = localInputToIso(asOf.input().value);
        if (!iso) {
          showError('Enter a date and time for “Access as of”.');
          asOf.input().focus();
          return;
        }
        replaceParams({ asOf: iso });
        run(event.submitter, () => showPersonAsOf(view, personId, iso, asOfHost));
      },
    },
    asOf.node,
    el('button', { type: 'submit', text: 'Show access' }),
  );
  const events = timeline('Access changes, newest first', {
    read: (cursor) => api(`persons/${encodeURIComponent(personId)}/events`, { order: 'desc', limit: PAGE_SIZE, cursor }),
    empty: 'No recorded changes.',
  });
  view.main.append(
    summaryHost,
    section('Current access', currentHost),
    section('Point-in-time access', el('p', { class: 'hint', text: 'Replayed from the ledger’s recorded step outcomes up to that time.' }), asOfForm, asOfHost),
    section('Timeline', events.node),
    section('Export', exportButtons('This person’s events', () => ({ person: personId }), `perimeter-person-${personId}`)),
  );

  await run(undefined, async () => {
    const body = await api(`persons/${encodeURIComponent(personId)}`);
    if (stale(view)) return;
    const person = body.person || {};
    const name = person.displayName || person.userName || personId;
    view.heading.textContent = name;
    document.title = `${name} · Perimeter audit console`;
    summaryHost.append(personSummary(person, body.locked));
    currentHost.append(currentAccessTable(body.access || []));
    await events.start(view);
    if (params.get('asOf')) await showPersonAsOf(view, personId, params.get('asOf'), asOfHost);
  });
}

function personSummary(person, locked) {
  const items = [
    ['User name', person.userName],
    ['Id', person.id],
    ['Email', person.email],
    ['Department', person.department],
    ['Title', person.title],
    ['Manager', person.manager],
    ['Status', person.deleted ? 'deleted from the directory' : person.active ? 'active' : 'inactive'],
    ['Kill switch', locked ? 'locked: nothing is granted until an admin unlocks' : 'not locked'],
  ];
  return el('dl', { class: 'summary' }, items.filter(([, value]) => value !== undefined && value !== '').map(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })]));
}

function currentAccessTable(access) {
  const { wrapper, tbody } = table('Current access per app', ['App', 'Status', 'Entitlements', 'Account id', 'Last change (UTC)']);
  for (const entry of access) {
    tbody.append(
      el('tr', {},
        el('th', { scope: 'row' }, appLink(entry.app)),
        cell(statusEl(entry.status)),
        cell(list(entry.entitlements)),
        cell(entry.accountId || ''),
        cell(timeEl(entry.updatedAt)),
      ),
    );
  }
  if (access.length === 0) emptyRow(tbody, 5, 'No access in any app.');
  return wrapper;
}

async function showPersonAsOf(view, personId, iso, host) {
  setStatus(`Replaying access as of ${formatTime(iso)}…`);
  const body = await api(`persons/${encodeURIComponent(personId)}/access`, { asOf: iso });
  if (stale(view)) return;
  const caption = `Access as of ${formatTime(body.asOf)}`;
  const { wrapper, tbody } = table(caption, ['App', 'Status', 'Entitlements (granted, by rule)', 'Account since', 'Last change (UTC)']);
  for (const app of body.apps || []) {
    tbody.append(
      el('tr', {},
        el('th', { scope: 'row' }, appLink(app.app)),
        cell(statusEl(app.status)),
        cell(list((app.entitlements || []).map((e) => el('span', {}, el('span', { class: 'entitlement', text: e.entitlement }), ` granted ${formatTime(e.grantedAt)}${e.rules && e.rules.length ? ` by ${e.rules.join(', ')}` : ''}`)))),
        cell(timeEl(app.since)),
        cell(timeEl(app.lastChange)),
      ),
    );
  }
  if ((body.apps || []).length === 0) emptyRow(tbody, 5, 'No access at that time.');
  clear(host).append(wrapper);
  setStatus(`${caption}: ${(body.apps || []).length} ${(body.apps || []).length === 1 ? 'app' : 'apps'}.`);
}

// ---------------------------------------------------------------------------------------------
// An app

async function renderApp(app, params, focus) {
  const view = beginView(`App ${app}`, focus);
  const accessHost = el('div');
  const asOf = utcField('Who had access as of', 'app-as-of', params.get('asOf'), 'UTC, to the second; empty for now');
  const form = el(
    'form',
    {
      class: 'inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        const iso = localInputToIso(asOf.input().value);
        replaceParams({ asOf: iso });
        run(event.submitter, () => showAppAccess(view, app, iso, accessHost));
      },
    },
    asOf.node,
    el('button', { type: 'submit', text: 'Show access' }),
  );
  const events = timeline(`Events in ${app}, newest first`, {
    read: (cursor) => api(`apps/${encodeURIComponent(app)}/events`, { order: 'desc', limit: PAGE_SIZE, cursor }),
    showPerson: true,
    showApp: false,
    empty: 'No recorded events in this app.',
  });
  view.main.append(
    section('Who has access', form, accessHost),
    section('Events', events.node),
    section('Export', exportButtons('This app’s events', () => ({ app }), `perimeter-app-${app}`)),
  );
  await run(undefined, async () => {
    await showAppAccess(view, app, params.get('asOf') || undefined, accessHost);
    await events.start(view);
  });
}

async function showAppAccess(view, app, iso, host) {
  setStatus(iso ? `Replaying access to ${app} as of ${formatTime(iso)}…` : `Loading who has access to ${app}…`);
  const body = await api(`apps/${encodeURIComponent(app)}/access`, iso ? { asOf: iso } : {});
  if (stale(view)) return;
  const caption = iso ? `Access to ${app} as of ${formatTime(body.asOf)}` : `Access to ${app} now`;
  const { wrapper, tbody } = table(caption, ['Person', 'Status', 'Entitlements', iso ? 'Account since' : 'Account id']);
  const people = body.people || [];
  for (const person of people) {
    const entitlements = (person.entitlements || []).map((e) => (typeof e === 'string' ? e : e.entitlement));
    tbody.append(
      el('tr', {},
        el('th', { scope: 'row' }, personLink(person.personId)),
        cell(statusEl(person.status)),
        cell(list(entitlements)),
        cell(iso ? timeEl(person.since) : person.accountId || ''),
      ),
    );
  }
  if (people.length === 0) emptyRow(tbody, 4, 'Nobody.');
  clear(host).append(wrapper);
  setStatus(`${caption}: ${people.length} ${people.length === 1 ? 'person' : 'people'}.`);
}

// ---------------------------------------------------------------------------------------------
// The access matrix

async function renderMatrix(focus) {
  const view = beginView('Access matrix', focus);
  setStatus('Loading the access matrix…');
  await run(undefined, async () => {
    const body = await api('matrix');
    if (stale(view)) return;
    const apps = body.apps || [];
    const people = body.people || [];
    const { wrapper, tbody } = table('Current access: people (rows) by apps (columns)', ['Person', ...apps], { className: 'matrix' });
    for (const person of people) {
      tbody.append(
        el('tr', {},
          el('th', { scope: 'row' }, personLink(person.personId, person.userName)),
          apps.map((app) => {
            const access = person.access && person.access[app];
            if (!access) return el('td', { class: 'no-access' }, el('span', { text: 'no account' }));
            return cell(statusEl(access.status), access.entitlements && access.entitlements.length ? list(access.entitlements) : null);
          }),
        ),
      );
    }
    if (people.length === 0) emptyRow(tbody, apps.length + 1, 'Nobody has access to any app.');
    // Column headers link to each app's page.
    const headers = wrapper.querySelectorAll('thead th');
    apps.forEach((app, index) => clear(headers[index + 1]).append(appLink(app)));
    view.main.append(el('p', { class: 'hint', text: 'What has actually been applied in each app. Each cell names the account status and the entitlements.' }), wrapper);
    setStatus(`${people.length} ${people.length === 1 ? 'person' : 'people'} across ${apps.length} ${apps.length === 1 ? 'app' : 'apps'}.`);
  });
}

// ---------------------------------------------------------------------------------------------
// Failures and dead letters

async function renderFailures(params, focus) {
  const view = beginView('Failures and dead letters', focus);
  const from = utcField('From', 'failures-from', params.get('from'), 'UTC; empty: 30 days before “To”');
  const to = utcField('To', 'failures-to', params.get('to'), 'UTC; empty: now');
  const fromIso = params.get('from') || undefined;
  const toIso = params.get('to') || undefined;
  const form = el(
    'form',
    {
      class: 'inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        replaceParams({ from: localInputToIso(from.input().value), to: localInputToIso(to.input().value) });
        render();
      },
    },
    from.node,
    to.node,
    el('button', { type: 'submit', text: 'Show failures' }),
  );
  const failures = timeline('Failed and dead-lettered steps, newest first', {
    read: (cursor) => api('events', { outcome: 'failed,dead-lettered', order: 'desc', limit: PAGE_SIZE, cursor, from: fromIso, to: toIso }),
    showPerson: true,
    filtered: true,
    empty: 'No failures in this period.',
  });
  const letters = deadLetters();
  view.main.append(section('Failed steps', form, failures.node), section('Dead letters', letters.node));
  await run(undefined, async () => {
    await failures.start(view);
    await letters.start(view);
  });
}

function deadLetters() {
  const columns = ['Dead-lettered at (UTC)', 'Step', 'Person', 'App', 'Entitlement', 'Attempts', 'Error', 'Why'];
  const { wrapper, tbody } = table('Steps waiting for an admin (dead letters)', columns);
  const more = el('button', { type: 'button', class: 'secondary', text: 'Load more dead letters', hidden: true });
  let cursor;
  let count = 0;
  async function load(view) {
    const page = await api('dead-letters', { limit: PAGE_SIZE, cursor });
    if (stale(view)) return;
    for (const letter of page.letters || []) {
      const step = letter.step || {};
      tbody.append(
        el('tr', {},
          cell(timeEl(letter.deadLetteredAt)),
          el('th', { scope: 'row' }, el('span', { text: step.action || '' }), el('span', { class: 'step-id', text: ` ${step.stepId || ''}` })),
          cell(step.personId ? personLink(step.personId, step.person && step.person.userName) : ''),
          cell(step.app ? appLink(step.app) : ''),
          cell(step.entitlement || ''),
          cell(String(letter.attempts ?? '')),
          cell(letter.error || ''),
          cell(step.reason || ''),
        ),
      );
    }
    count += (page.letters || []).length;
    cursor = page.nextCursor;
    more.hidden = !cursor;
    if (count === 0 && !cursor) emptyRow(tbody, columns.length, 'No dead letters.');
  }
  return {
    node: el('div', {}, wrapper, more),
    async start(view) {
      more.onclick = () => run(more, () => load(view));
      await load(view);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Chain status

async function renderChains(focus) {
  const view = beginView('Chain status', focus);
  const result = el('div', { class: 'verify-result' });
  const again = el('button', { type: 'button', text: 'Verify again', onclick: () => run(again, () => verify(view, result)) });
  view.main.append(
    el('p', { text: 'Re-hashes every event of every chain and checks each link to the one before it: an edited, removed or reordered event breaks the chain at that point.' }),
    again,
    result,
  );
  await run(undefined, () => verify(view, result));
}

async function verify(view, host) {
  setStatus('Verifying every chain…');
  clear(host);
  const body = await api('verify');
  if (stale(view)) return;
  const broken = brokenLinks(body);
  const counts = [
    typeof body.chains === 'number' ? `${body.chains} ${body.chains === 1 ? 'chain' : 'chains'}` : undefined,
    typeof body.events === 'number' ? `${body.events} ${body.events === 1 ? 'event' : 'events'}` : undefined,
  ].filter(Boolean);
  const checked = counts.length ? `${counts.join(', ')} checked` : 'All chains checked';
  if (body.intact === true) {
    host.append(el('p', { class: 'verdict verdict-intact' }, el('strong', { text: 'Intact' }), `. ${checked}; every link holds.`));
    setStatus(`Chain status: intact. ${checked}.`);
    return;
  }
  const where = broken.length ? ` at ${broken[0].chain}, seq ${broken[0].seq}` : '';
  host.append(el('p', { class: 'verdict verdict-broken' }, el('strong', { text: 'Broken' }), `${where}. ${checked} up to the first broken link; verification stops there.`));
  const { wrapper, tbody } = table('First broken link', ['Chain', 'Seq', 'Problem']);
  for (const link of broken) tbody.append(el('tr', {}, el('th', { scope: 'row', text: link.chain }), cell(String(link.seq)), cell(link.reason)));
  if (broken.length === 0) emptyRow(tbody, 3, 'The API reported a break without naming it.');
  host.append(wrapper);
  setStatus(`Chain status: broken${where}.`);
}

/** The first broken link /audit/verify reports (`firstBreak`: a chain and seq, or the checkpoint). */
function brokenLinks(body) {
  const first = body.firstBreak;
  if (!first) return [];
  const reason = [first.reason, first.detail].filter(Boolean).join(': ');
  if (first.chain === undefined) return [{ chain: `checkpoint ${first.checkpointHash || ''}`.trim(), seq: '—', reason }];
  return [{ chain: String(first.chain), seq: first.seq ?? '', reason }];
}

// ---------------------------------------------------------------------------------------------
// Export by time range

function renderExport(params, focus) {
  const view = beginView('Export events', focus);
  const from = utcField('From', 'export-from', params.get('from'), 'UTC, inclusive; empty: 30 days before “To”');
  const to = utcField('To', 'export-to', params.get('to'), 'UTC, inclusive; empty: now');
  const personId = uniqueId('export-person');
  const appId = uniqueId('export-app');
  const appSelect = el('select', { id: appId, name: 'app', 'aria-describedby': `${appId}-hint` }, el('option', { value: '', text: 'Any app' }));
  const form = el(
    'form',
    { class: 'stack', onsubmit: (event) => event.preventDefault() },
    el('div', { class: 'inline-form' }, from.node, to.node),
    el('div', { class: 'inline-form' },
      el('div', { class: 'field' }, el('label', { for: personId, text: 'Person id (optional)' }), el('span', { class: 'hint', id: `${personId}-hint`, text: 'A person or an app, not both' }), el('input', { id: personId, name: 'person', type: 'text', autocomplete: 'off', value: params.get('person') || '', 'aria-describedby': `${personId}-hint` })),
      el('div', { class: 'field' }, el('label', { for: appId, text: 'App (optional)' }), el('span', { class: 'hint', id: `${appId}-hint`, text: 'A person or an app, not both' }), appSelect),
    ),
    exportButtons('Export the events in this range', () => {
      const person = document.getElementById(personId).value.trim();
      const app = document.getElementById(appId).value;
      if (person && app) throw new Error('Export one person or one app, not both: clear one of the two.');
      return {
        from: localInputToIso(from.input().value),
        to: localInputToIso(to.input().value),
        ...(person ? { person } : {}),
        ...(app ? { app } : {}),
      };
    }, 'perimeter-audit-export'),
  );
  view.main.append(
    el('p', { text: 'JSON Lines keeps every field of every event, hashes included, so a copy can be verified offline; CSV opens in a spreadsheet; OCSF suits a SIEM. Both ends of the range are inclusive.' }),
    form,
  );
  run(undefined, async () => {
    const apps = await listApps();
    if (stale(view)) return;
    for (const app of apps) appSelect.append(el('option', { value: app, text: app, selected: app === params.get('app') }));
  });
}

// ---------------------------------------------------------------------------------------------
// Start

function start() {
  window.addEventListener('hashchange', render);
  document.getElementById('sign-out').addEventListener('click', signOut);
  // The skip link moves focus without touching the fragment the views live in.
  document.getElementById('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    document.getElementById('main').focus();
  });
  navigated = false;
  render();
}

start();
