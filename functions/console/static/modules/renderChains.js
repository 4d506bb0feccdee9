import { api } from './api.js';
import { beginView, stale } from './beginView.js';
import { clear, el } from './el.js';
import { run } from './run.js';
import { setStatus } from './setStatus.js';
import { cell, emptyRow, table } from './table.js';

/** Whether the ledger's hash chains still hold, verified on the server on every visit and on demand. */
export async function renderChains(focus) {
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
  // Only an explicit `intact: true` is good news; anything else is reported as broken.
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
