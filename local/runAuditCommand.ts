import { parseArgs } from 'node:util';
import { apiErrorMessage } from './apiErrorMessage.js';
import { perimeterBaseUrl } from './perimeterBaseUrl.js';

export class AuditCommandError extends Error {
  public override readonly name = 'AuditCommandError';
}

/**
 * `perimeter audit <events|access|export|verify|matrix>`: the audit API from a terminal, against a
 * running Perimeter (local or AWS). The token comes from PERIMETER_AUDIT_TOKEN, never from the
 * command line. Output goes to stdout: JSON, or the export file's bytes.
 */
export async function runAuditCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  write: (chunk: string) => void,
  doFetch: typeof fetch = fetch,
): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: [...rest],
    options: {
      url: { type: 'string' },
      person: { type: 'string' },
      app: { type: 'string' },
      entitlement: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'as-of': { type: 'string' },
      format: { type: 'string' },
      limit: { type: 'string' },
    },
    strict: true,
  });
  const token = env.PERIMETER_AUDIT_TOKEN;
  if (!token) throw new AuditCommandError('Set PERIMETER_AUDIT_TOKEN to an auditor (or admin) token');
  const base = perimeterBaseUrl(values.url, env);
  const query = (entries: Record<string, string | undefined>): string => {
    const params = new URLSearchParams(Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return params.size ? `?${params}` : '';
  };
  const range = { from: values.from, to: values.to };
  let path: string;
  switch (command) {
    case 'events':
      path = values.person
        ? `/audit/persons/${encodeURIComponent(values.person)}/events`
        : values.app && values.entitlement
          ? `/audit/apps/${encodeURIComponent(values.app)}/entitlements/${encodeURIComponent(values.entitlement)}/events`
          : values.app
            ? `/audit/apps/${encodeURIComponent(values.app)}/events`
            : '/audit/events';
      return paginate(doFetch, base, path, { ...range, limit: values.limit ?? '1000' }, token, write);
    case 'access': {
      if (!values.person && !values.app) throw new AuditCommandError('audit access needs --person <id> or --app <id> (and optionally --as-of <time>)');
      const subject = values.person ? `persons/${encodeURIComponent(values.person)}` : `apps/${encodeURIComponent(values.app ?? '')}`;
      path = `/audit/${subject}/access${query({ asOf: values['as-of'] })}`;
      break;
    }
    case 'export':
      if (!values.format) throw new AuditCommandError('audit export needs --format jsonl|csv|ocsf');
      path = `/audit/export${query({ format: values.format, person: values.person, app: values.app, ...range })}`;
      break;
    case 'verify':
      path = '/audit/verify';
      break;
    case 'matrix':
      path = '/audit/matrix';
      break;
    default:
      throw new AuditCommandError('audit commands: events, access, export, verify, matrix');
  }
  const response = await doFetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (!response.ok) throw new AuditCommandError(`${response.status}: ${apiErrorMessage(text)}`);
  write(command === 'export' ? text : `${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  if (command === 'verify') return (JSON.parse(text) as { intact?: boolean }).intact === true ? 0 : 3;
  return 0;
}

/** Follows nextCursor to the end, writing one event per line (JSON Lines). */
async function paginate(
  doFetch: typeof fetch,
  base: string,
  path: string,
  params: Record<string, string | undefined>,
  token: string,
  write: (chunk: string) => void,
): Promise<number> {
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams(Object.entries({ ...params, cursor }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const response = await doFetch(`${base}${path}?${query}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    if (!response.ok) throw new AuditCommandError(`${response.status}: ${apiErrorMessage(text)}`);
    const page = JSON.parse(text) as { events: unknown[]; nextCursor?: string };
    for (const event of page.events) write(`${JSON.stringify(event)}\n`);
    cursor = page.nextCursor;
  } while (cursor);
  return 0;
}
