import { auditFetch } from './api.js';
import { el } from './el.js';
import { run } from './run.js';
import { setStatus, showError } from './setStatus.js';

const EXPORT_FORMATS = [
  { format: 'jsonl', label: 'JSON Lines', extension: 'jsonl' },
  { format: 'csv', label: 'CSV', extension: 'csv' },
  { format: 'ocsf', label: 'OCSF', extension: 'ocsf.jsonl' },
];

/**
 * The export buttons for one scope (a person, an app, or a time range read at click time).
 * `paramsFor` may throw to refuse the click; the message is shown as the error.
 */
export function exportButtons(legend, paramsFor, baseName) {
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

/**
 * Reads an export with the bearer token and hands it to the browser as a file download (a plain
 * link could not carry the token).
 */
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

/** The server's name is data too: only word characters, dots and dashes reach the saved file. */
function safeFileName(name) {
  return String(name).replace(/[^\w.-]+/g, '_').slice(0, 120) || 'perimeter-audit';
}
