import { stale } from './beginView.js';
import { clear, el } from './el.js';
import { timeEl } from './formatTime.js';
import { list } from './list.js';
import { loadMore } from './loadMore.js';
import { appLink, personLink } from './routeHref.js';
import { setStatus } from './setStatus.js';
import { outcomeEl } from './statusEl.js';
import { cell, emptyRow, table } from './table.js';

/** Failure listings are filtered after paging; read at most this many pages per "load more". */
const MAX_EMPTY_PAGES = 10;

/**
 * A paginated event table, newest first. Step outcomes name the lifecycle event they served; once
 * that event is on a loaded page, its source (channel, actor, request id) is shown beside the step.
 */
export function timeline(caption, options) {
  const showApp = options.showApp !== false;
  const columns = ['Time (UTC)', 'Type', ...(options.showPerson ? ['Person'] : []), ...(showApp ? ['App'] : []), 'Entitlement', 'Outcome', 'Rule', 'Source', 'Detail'];
  const { wrapper, tbody } = table(caption, columns, { className: 'timeline' });
  const lifecycle = new Map();
  // Source cells of steps whose lifecycle event is on a page not loaded yet (it is older).
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
    // Lifecycle events first: a step on the same page may come before the event it served.
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

  return loadMore(wrapper, 'Load older events', async (view, more) => {
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
  });
}
